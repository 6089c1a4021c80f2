/*
 * Ladder chat widget: one plain file any site embeds with
 *   <script src="https://support.example.com/static/widget/ladder.js" defer></script>
 * Optional attributes: data-title, data-greeting, and per language data-title-es,
 * data-greeting-es, ... (en, es, fr, de, pt).
 *
 * Its texts are written in English here and shown in the customer's language: the server sends
 * the translations (GET /widget/strings before the first connection, then every welcome, which
 * follows the conversation's language), keyed by the English text.
 *
 * It draws itself inside a shadow root (no CSS leaks either way; its styles come from
 * ladder-widget.css on the script's own origin), speaks docs/protocol.md over
 * ws(s)://<script origin>/ws/chat/, keeps the conversation across reloads (token, last seq,
 * transcript and unacknowledged messages in localStorage), reconnects with backoff and
 * resends what the server has not acknowledged under the same client_id.
 *
 * Everything the server sends is text: it reaches the page through textContent and DOM nodes
 * built here (a tiny Markdown subset), never through innerHTML.
 */
(function () {
  "use strict";
  if (window.LadderWidget) return; // embedded twice: the first copy wins

  var script = document.currentScript || document.querySelector('script[src*="/widget/ladder.js"]');
  if (!script) return;
  var scriptUrl = new URL(script.src, window.location.href);
  var serverOrigin = scriptUrl.origin;
  var wsUrl = (scriptUrl.protocol === "https:" ? "wss://" : "ws://") + scriptUrl.host + "/ws/chat/";
  function title() { return siteText("title", "Chat with us"); }
  function greeting() { return siteText("greeting", "Hi! Ask us anything about your order, shipping or returns."); }

  var MAX_CHARS = 4000;
  var STORE_KEY = "ladder:" + serverOrigin; // one conversation per support server
  var TRANSCRIPT_LIMIT = 200; // messages kept for redrawing after a reload
  var PING_EVERY_MS = 25000;
  var PONG_WITHIN_MS = 10000; // a socket that stays silent this long after a ping is dead
  var TYPING_GIVE_UP_MS = 60000;
  // While people have the conversation, the customer's typing is told to them at most this often.
  var TYPING_EVERY_MS = 3000;
  var BACKOFF_FIRST_MS = 500;
  var BACKOFF_CAP_MS = 30000;
  // Error codes that refuse one customer message (the socket answers each message frame with
  // exactly one ack or one of these, in order).
  var MESSAGE_ERRORS = { message_empty: 1, message_too_long: 1, rate_limited: 1, invalid_client_id: 1, invalid_field: 1 };

  // ---------------------------------------------------------------------------------------
  // Persisted state. One JSON value under one key, written whole, so token, lastSeq and the
  // transcript can never disagree with each other after a crash or a full quota.

  function readSaved() {
    try {
      var value = JSON.parse(window.localStorage.getItem(STORE_KEY) || "null");
      return value && typeof value === "object" ? value : {};
    } catch (e) {
      return {}; // storage blocked (privacy mode, sandboxed frame) or corrupt: start afresh
    }
  }
  var saved = readSaved();
  var state = {
    token: typeof saved.token === "string" ? saved.token : null,
    conversation: saved.conversation || null,
    // The highest seq whose message is complete on screen; sent as hello's last_seq so the
    // server sends only what is newer.
    lastSeq: Number.isInteger(saved.lastSeq) && saved.lastSeq > 0 ? saved.lastSeq : 0,
    transcript: Array.isArray(saved.transcript) ? saved.transcript : [], // stored messages
    pending: Array.isArray(saved.pending) ? saved.pending : [], // [{client_id, text, created_at}]
    ratedConversation: saved.ratedConversation || null,
    emailSavedConversation: saved.emailSavedConversation || null,
    wasOpen: !!saved.open,
    open: false,
    status: "ai",
    agentName: "",
    language: typeof saved.language === "string" ? saved.language : "",
    strings: saved.strings && typeof saved.strings === "object" ? saved.strings : {},
  };

  // The customer's language: t(english, values) is that English text in it, placeholders filled.
  function t(text, values) {
    var own = Object.prototype.hasOwnProperty;
    var s = own.call(state.strings, text) && typeof state.strings[text] === "string" ? state.strings[text] : text;
    if (!values) return s;
    return s.replace(/\{(\w+)\}/g, function (m, key) { return own.call(values, key) ? String(values[key]) : m; });
  }
  function siteText(name, fallback) {
    return (state.language && script.getAttribute("data-" + name + "-" + state.language)) || script.getAttribute("data-" + name) || t(fallback);
  }
  // Ensure lastSeq never claims more than the transcript holds (an older widget version kept no
  // transcript): otherwise a reload would show nothing and never ask for it.
  (function checkSavedSeq() {
    var highest = 0;
    state.transcript.forEach(function (m) { if (m.seq > highest) highest = m.seq; });
    if (state.lastSeq > highest) state.lastSeq = highest;
  })();

  function persist() {
    var value = {
      token: state.token,
      conversation: state.conversation,
      lastSeq: state.lastSeq,
      transcript: state.transcript.slice(-TRANSCRIPT_LIMIT),
      pending: state.pending,
      ratedConversation: state.ratedConversation,
      emailSavedConversation: state.emailSavedConversation,
      open: state.open,
      language: state.language,
      strings: state.strings,
    };
    try {
      window.localStorage.setItem(STORE_KEY, JSON.stringify(value));
    } catch (e) {
      // Quota full: keep what matters most (token, seq, unsent text) with a shorter transcript.
      try {
        value.transcript = value.transcript.slice(-20);
        window.localStorage.setItem(STORE_KEY, JSON.stringify(value));
      } catch (e2) { /* storage unavailable: the chat works, it just forgets on reload */ }
    }
  }

  function newClientId() {
    var c = window.crypto;
    if (c && typeof c.randomUUID === "function") return c.randomUUID();
    if (c && typeof c.getRandomValues === "function") {
      // RFC 4122 version 4 from 16 random bytes (randomUUID needs a secure context).
      var b = c.getRandomValues(new Uint8Array(16));
      b[6] = (b[6] & 0x0f) | 0x40;
      b[8] = (b[8] & 0x3f) | 0x80;
      var hex = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
      return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
    }
    return "c-" + Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 12) + Math.random().toString(36).slice(2, 12);
  }

  // ---------------------------------------------------------------------------------------
  // DOM. Built once, inside a shadow root; hidden until our stylesheet has loaded so the host
  // page never flashes an unstyled launcher.

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  var host = el("div", { "data-ladder-widget": "" });
  var root = host.attachShadow({ mode: "open" });
  var stylesheet = el("link", { rel: "stylesheet", href: serverOrigin + "/static/widget/ladder-widget.css" });
  var frame = el("div", { class: "ladder", hidden: "" });
  var focusWhenShown = false;
  function reveal() {
    frame.hidden = false;
    // The log was drawn while hidden (no height, so never scrolled): show the newest message.
    if (state.open) log.scrollTop = log.scrollHeight;
    if (focusWhenShown && state.open) input.focus(); // open() was called before we could show
    focusWhenShown = false;
  }
  stylesheet.addEventListener("load", reveal);
  stylesheet.addEventListener("error", reveal); // unstyled but usable beats invisible
  root.appendChild(stylesheet);
  root.appendChild(frame);

  var launcher = el("button", { class: "launcher", type: "button", "aria-expanded": "false", "aria-controls": "ladder-panel" });
  var launcherText = el("span", { class: "launcher-text" }, t("Chat with us"));
  var unreadDot = el("span", { class: "unread", hidden: "" }, t("New reply"));
  launcher.appendChild(launcherText);
  launcher.appendChild(unreadDot);

  var panel = el("section", { id: "ladder-panel", class: "panel", role: "dialog", "aria-modal": "false", "aria-labelledby": "ladder-title", hidden: "" });
  // Header: the title and a close button, then who has the conversation and the way to a person.
  var header = el("header", { class: "header" });
  var titleRow = el("div", { class: "title-row" });
  var titleText = el("h2", { id: "ladder-title", class: "title" }, title());
  titleRow.appendChild(titleText);
  var closeButton = el("button", { class: "close", type: "button", "aria-label": t("Close chat") }, "\u00d7");
  titleRow.appendChild(closeButton);
  var statusRow = el("div", { class: "status-row" });
  var statusLine = el("p", { class: "status-line", role: "status" });
  var personButton = el("button", { class: "person", type: "button" }, t("Talk to a person"));
  statusRow.appendChild(statusLine);
  statusRow.appendChild(personButton);
  header.appendChild(titleRow);
  header.appendChild(statusRow);

  var connectionLine = el("p", { class: "connection", role: "status", hidden: "" }, t("Connection lost \u2014 reconnecting\u2026"));
  var log = el("ol", { class: "log", role: "log", "aria-live": "polite", "aria-label": t("Conversation") });
  var typing = el("p", { class: "typing", role: "status", hidden: "" });
  typing.appendChild(el("span", { class: "dots", "aria-hidden": "true" }));
  var typingText = document.createTextNode(t("Writing an answer\u2026"));
  typing.appendChild(typingText);
  var notice = el("p", { class: "notice", role: "alert", hidden: "" });

  var form = el("form", { class: "composer" });
  var inputLabel = el("label", { for: "ladder-input", class: "visually-hidden" }, t("Your message"));
  var input = el("textarea", { id: "ladder-input", rows: "2", maxlength: String(MAX_CHARS), placeholder: t("Write a message\u2026"), "aria-describedby": "ladder-count ladder-hint", autocomplete: "off" });
  var sendButton = el("button", { type: "submit", class: "send" }, t("Send"));
  var footer = el("div", { class: "composer-footer" });
  var hint = el("span", { id: "ladder-hint", class: "hint" }, t("Enter to send, Shift+Enter for a new line"));
  var counter = el("span", { id: "ladder-count", class: "counter" }, "0 / " + MAX_CHARS);
  footer.appendChild(hint);
  footer.appendChild(counter);
  form.appendChild(inputLabel);
  form.appendChild(input);
  form.appendChild(sendButton);
  form.appendChild(footer);

  panel.appendChild(header);
  panel.appendChild(connectionLine);
  panel.appendChild(log);
  panel.appendChild(typing);
  panel.appendChild(notice);
  panel.appendChild(form);
  frame.appendChild(panel);
  frame.appendChild(launcher);

  // ---------------------------------------------------------------------------------------
  // Text rendering: a safe Markdown subset made of DOM nodes. Paragraphs (blank lines),
  // **bold**, [label](http...) and bare http(s) links. Anything else stays literal text.

  var INLINE = /(\*\*[^*\n]+\*\*|\[[^\]\n]{1,200}\]\(https?:\/\/[^\s)]+\)|https?:\/\/[^\s<>"]+)/g;

  function safeHref(raw) {
    try {
      var url = new URL(raw);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (e) {
      return null;
    }
  }
  function link(href, label) {
    var a = el("a", { href: href, target: "_blank", rel: "noopener noreferrer nofollow" }, label);
    return a;
  }
  function appendInline(p, text) {
    text.split(INLINE).forEach(function (part, i) {
      if (!part) return;
      if (i % 2 === 0) { p.appendChild(document.createTextNode(part)); return; }
      var href;
      if (part.slice(0, 2) === "**") {
        p.appendChild(el("strong", null, part.slice(2, -2)));
      } else if (part[0] === "[") {
        var close = part.indexOf("](");
        href = safeHref(part.slice(close + 2, -1));
        p.appendChild(href ? link(href, part.slice(1, close)) : document.createTextNode(part));
      } else {
        // A bare URL at the end of a sentence: the full stop is not part of it.
        var trail = part.match(/[.,;:!?)\]'’]+$/);
        var bare = trail ? part.slice(0, -trail[0].length) : part;
        href = safeHref(bare);
        p.appendChild(href ? link(href, bare) : document.createTextNode(bare));
        if (trail) p.appendChild(document.createTextNode(trail[0]));
      }
    });
  }
  // `plain` is for what the customer wrote: shown exactly as typed, no formatting.
  function renderText(container, text, plain) {
    container.textContent = "";
    String(text || "").split(/\n{2,}/).forEach(function (para) {
      if (!para.trim()) return;
      var p = document.createElement("p");
      if (plain) p.textContent = para;
      else appendInline(p, para);
      container.appendChild(p);
    });
  }

  function timeLabel(date) {
    var sameDay = date.toDateString() === new Date().toDateString();
    var opts = sameDay ? { hour: "2-digit", minute: "2-digit" } : { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" };
    return date.toLocaleString([], opts); // the visitor's own time zone and locale
  }
  function timeNode(iso) {
    var when = iso ? new Date(iso) : new Date();
    if (isNaN(when.getTime())) when = new Date();
    return el("time", { datetime: when.toISOString(), title: when.toLocaleString() }, timeLabel(when));
  }

  // ---------------------------------------------------------------------------------------
  // The log. Stored messages are ordered by seq; not-yet-acknowledged customer messages stay
  // at the end (they are newer than anything stored); notices go where they happen.

  var bySeq = {}; // seq -> {item, body, complete}
  var streams = {}; // seq -> {text, ignore}
  var pendingBubbles = {}; // client_id -> {item, body, meta}
  var ratingCard = null;
  var solvedCard = null; // "Did that answer your question?" under the latest answer

  function nearBottom() {
    return log.scrollHeight - log.scrollTop - log.clientHeight < 80;
  }
  function place(item, seq) {
    var stick = nearBottom();
    var before = null;
    if (seq !== undefined) {
      for (var node = log.firstElementChild; node; node = node.nextElementSibling) {
        var other = node.getAttribute("data-seq");
        if (node.classList.contains("sending") || (other !== null && Number(other) > seq)) { before = node; break; }
      }
    }
    log.insertBefore(item, before);
    if (stick) log.scrollTop = log.scrollHeight;
  }
  function whoLabel(role, author) {
    if (role === "customer") return t("You");
    if (role === "agent") return author || t("Support team");
    if (role === "assistant") return t("Assistant");
    return "";
  }
  function buildBubble(role, author, iso) {
    var safeRole = /^(customer|assistant|agent|system)$/.test(role) ? role : "system";
    var item = el("li", { class: "msg " + safeRole });
    var meta = el("span", { class: "meta" });
    var who = whoLabel(safeRole, author);
    if (who) meta.appendChild(el("span", { class: "who" }, who));
    if (safeRole !== "system") meta.appendChild(timeNode(iso));
    var body = el("div", { class: "body" });
    if (meta.firstChild) item.appendChild(meta);
    item.appendChild(body);
    return { item: item, body: body, meta: meta };
  }
  function noticeItem(className, text, extra) {
    var item = el("li", { class: "msg " + className });
    var body = el("div", { class: "body" });
    if (text) body.appendChild(el("p", null, text));
    if (extra) body.appendChild(extra);
    item.appendChild(body);
    place(item);
    return item;
  }

  function remember(message) {
    // The transcript is what a reload redraws; one entry per seq, newest wins.
    for (var i = state.transcript.length - 1; i >= 0; i--) {
      if (state.transcript[i].seq === message.seq) { state.transcript[i] = message; return; }
    }
    state.transcript.push(message);
    state.transcript.sort(function (a, b) { return a.seq - b.seq; });
  }
  function updateLastSeq() {
    // The highest complete seq, but below any answer still streaming: if the socket drops
    // mid-answer, hello's last_seq must ask for that answer again.
    var highest = 0;
    state.transcript.forEach(function (m) { if (m.seq > highest) highest = m.seq; });
    Object.keys(streams).forEach(function (seq) {
      if (!streams[seq].ignore && Number(seq) - 1 < highest) highest = Number(seq) - 1;
    });
    state.lastSeq = Math.max(0, highest);
  }

  // Show one stored message (history, a live `message` frame, or the transcript after a reload).
  function showMessage(m, live) {
    var existing = bySeq[m.seq];
    var stream = streams[m.seq];
    var b = buildBubble(m.role, m.author, m.created_at);
    if (m.interrupted) b.item.classList.add("interrupted");
    b.item.setAttribute("data-seq", String(m.seq));
    renderText(b.body, m.text, m.role === "customer");
    if (existing) {
      // Same seq: the whole stored version replaces what we had (a finished stream, or a
      // reserved answer that became a notice).
      existing.item.replaceWith(b.item);
    } else {
      place(b.item, m.seq);
    }
    if (stream) delete streams[m.seq];
    bySeq[m.seq] = { item: b.item, body: b.body, complete: true };
    var offer = m.offer === "email" ? "email" : undefined;
    remember({ seq: m.seq, role: m.role, author: m.author || "", text: m.text, created_at: m.created_at || new Date().toISOString(), interrupted: !!m.interrupted, offer: offer });
    if (m.role === "agent" && m.author) state.agentName = m.author;
    // The email offer stays across reloads: its form until an address is saved, then the thanks.
    if (offer) offerEmail(b.item);
    if (live && m.role !== "customer") markUnread();
  }

  function showPending(entry) {
    var b = buildBubble("customer", null, entry.created_at);
    b.item.classList.add("sending");
    var sendingLabel = el("span", { class: "state" }, t("Sending\u2026"));
    b.meta.appendChild(sendingLabel);
    renderText(b.body, entry.text, true);
    place(b.item);
    pendingBubbles[entry.client_id] = b;
  }

  // ---------------------------------------------------------------------------------------
  // Status: a line under the title says who has the conversation; the server's own system
  // messages (e.g. "Dana joined the conversation.") tell the story in the log.

  function statusText(status) {
    if (status === "waiting") return t("A person will answer you shortly.");
    if (status === "agent") return state.agentName ? t("You're chatting with {name}.", { name: state.agentName }) : t("A person from our team is with you.");
    if (status === "resolved") return t("This conversation is resolved.");
    return t("Our assistant answers first; ask for a person any time.");
  }
  function setStatus(status, agentName, live, detail) {
    var changed = status !== state.status;
    state.status = status;
    if (agentName) state.agentName = agentName;
    // The server's words for the change when it sends them; the reason code is never shown.
    statusLine.textContent = detail || statusText(status);
    panel.setAttribute("data-status", status);
    personButton.hidden = status === "waiting" || status === "agent";
    personButton.disabled = false;
    if (status !== "ai") dropSolved();
    window.clearTimeout(personTimer);
    if (status !== "ai") setTyping(false);
    if (status === "resolved") {
      // A new resolution (live) may be rated again, even if an earlier one was.
      if (live && changed) state.ratedConversation = null;
      if (state.ratedConversation !== state.conversation && !ratingCard) offerRating();
    } else if (ratingCard) {
      ratingCard.remove();
      ratingCard = null;
    }
    if (live && changed) markUnread();
  }

  // After a finished answer while the assistant has the conversation: one click tells us it
  // solved the question (the conversation is resolved and the rating card follows).
  function offerSolved() {
    dropSolved();
    var yes = el("button", { type: "button", class: "solved" }, t("Yes, that solved it"));
    yes.addEventListener("click", function () {
      if (!sendFrame({ type: "solved" })) {
        showNotice(t("Not connected yet; please try again in a moment."));
        return;
      }
      yes.disabled = true;
    });
    solvedCard = noticeItem("status solved-offer", t("Did that answer your question?"), yes);
  }
  function dropSolved() {
    if (solvedCard) { solvedCard.remove(); solvedCard = null; }
  }

  function offerRating() {
    var group = el("div", { class: "rating", role: "group", "aria-label": t("Rate this conversation from 1 (poor) to 5 (great)") });
    [1, 2, 3, 4, 5].forEach(function (score) {
      var button = el("button", { type: "button", "aria-label": t("{score} out of 5", { score: score }) }, String(score));
      button.addEventListener("click", function () {
        if (!sendFrame({ type: "rating", score: score })) {
          showNotice(t("We couldn't send your rating just now; please try again in a moment."));
          return;
        }
        state.ratedConversation = state.conversation;
        persist();
        var card = group.closest("li");
        if (ratingCard === card) ratingCard = null;
        card.textContent = "";
        var body = el("div", { class: "body" });
        body.appendChild(el("p", null, t("Thank you for rating us {score} out of 5.", { score: score })));
        card.appendChild(body);
        input.focus();
      });
      group.appendChild(button);
    });
    ratingCard = noticeItem("status resolved", t("Resolved \u2014 how did we do?"), group);
  }

  function emailThanks() {
    return el("p", { class: "email-saved" }, t("Thanks! We'll reply by email."));
  }
  function offerEmail(container) {
    if (state.conversation && state.emailSavedConversation === state.conversation) {
      container.appendChild(emailThanks());
      return;
    }
    var f = el("form", { class: "email-offer" });
    var l = el("label", null, t("Your email") + " ");
    var i = el("input", { type: "email", required: "", autocomplete: "email" });
    l.appendChild(i);
    f.appendChild(l);
    f.appendChild(el("button", { type: "submit" }, t("Email me the answer")));
    f.addEventListener("submit", function (e) {
      e.preventDefault();
      if (!sendFrame({ type: "email", email: i.value })) showNotice(t("Not connected yet; please try again in a moment."));
    });
    container.appendChild(f);
  }

  function showNotice(text) {
    notice.textContent = text || "";
    notice.hidden = !text;
  }

  var typingTimer = null;
  var personTimer = null;
  var agentTyping = ""; // the agent's name while they are typing
  function setTyping(on) {
    agentTyping = "";
    typingText.textContent = t("Writing an answer\u2026");
    typing.hidden = !on;
    window.clearTimeout(typingTimer);
    // Never spin forever: if no answer comes (a person will answer instead), stop hinting one.
    if (on) typingTimer = window.setTimeout(function () { typing.hidden = true; }, TYPING_GIVE_UP_MS);
  }
  // "Sam is typing…" while the agent writes; it goes by itself unless the agent goes on.
  function showAgentTyping(f) {
    if (!f.active || state.status !== "agent") { if (agentTyping) setTyping(false); return; }
    var seconds = Number(f.expires_in_s) > 0 ? Math.min(Number(f.expires_in_s), 60) : 6;
    var name = typeof f.name === "string" && f.name ? f.name : state.agentName || t("Support team");
    window.clearTimeout(typingTimer);
    if (agentTyping !== name || typing.hidden) {
      agentTyping = name;
      typingText.textContent = t("{name} is typing\u2026", { name: name });
      typing.hidden = false;
    }
    typingTimer = window.setTimeout(function () { setTyping(false); }, seconds * 1000);
  }

  // The customer's own typing, for the person who has the conversation (never while the
  // assistant answers: nobody is waiting on it).
  var typingSentAt = 0;
  var typingTold = false;
  function tellTyping() {
    var people = state.status === "waiting" || state.status === "agent";
    if (!ready || !people) return;
    var now = Date.now();
    if (input.value.trim()) {
      if (now - typingSentAt < TYPING_EVERY_MS) return;
      if (sendFrame({ type: "typing" })) { typingSentAt = now; typingTold = true; }
    } else if (typingTold) {
      typingTold = false;
      sendFrame({ type: "typing", active: false });
    }
  }

  function markUnread() {
    if (state.open) return;
    unreadDot.hidden = false;
    launcher.setAttribute("aria-label", t("Chat with us (new reply)"));
  }

  // ---------------------------------------------------------------------------------------
  // The socket.

  var socket = null;
  var ready = false; // welcome received on this socket
  var retries = 0;
  var reconnectTimer = null;
  var pongTimer = null;
  var gaveUp = false; // the server refused this site for good (origin not allowed)
  var inFlight = []; // client_ids sent on this socket and not yet acked or refused, in order
  var helloSentWithToken = false;

  function sendFrame(f) {
    if (socket && socket.readyState === 1 && (ready || f.type === "hello" || f.type === "ping")) {
      socket.send(JSON.stringify(f));
      return true;
    }
    return false;
  }
  function sendMessage(entry) {
    if (sendFrame({ type: "message", client_id: entry.client_id, text: entry.text })) inFlight.push(entry.client_id);
  }
  function sendHello() {
    var lang = navigator.language || "";
    var language = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?$/.test(lang) ? lang : "";
    helloSentWithToken = !!state.token;
    // The page the customer writes from, for the agent: no query string or fragment (they may
    // carry the site's own tokens).
    var page = window.location.protocol.indexOf("http") === 0 ? window.location.origin + window.location.pathname : "";
    sendFrame({ type: "hello", token: state.token, last_seq: state.token ? state.lastSeq : 0, language: language, page: page });
  }

  function connect() {
    window.clearTimeout(reconnectTimer);
    if (gaveUp || (socket && socket.readyState <= 1)) return;
    var ws;
    try {
      ws = new WebSocket(wsUrl);
    } catch (e) {
      scheduleReconnect();
      return;
    }
    socket = ws;
    ready = false;
    inFlight = [];
    ws.addEventListener("open", function () { if (socket === ws) sendHello(); });
    ws.addEventListener("message", function (event) {
      if (socket !== ws) return;
      window.clearTimeout(pongTimer);
      var f;
      try { f = JSON.parse(event.data); } catch (e) { return; }
      if (f && typeof f === "object") handle(f);
    });
    ws.addEventListener("close", function (event) {
      if (socket !== ws) return; // a socket we already abandoned
      socket = null;
      ready = false;
      if (event.code === 4003) { giveUp(); return; }
      scheduleReconnect();
    });
    // An error is always followed by close; the close handler reconnects.
  }
  function abandonSocket() {
    // A half-open connection may take minutes to report close: drop it and dial again now.
    var dead = socket;
    socket = null;
    ready = false;
    if (dead) { try { dead.close(); } catch (e) { /* already closing */ } }
    scheduleReconnect();
  }
  function scheduleReconnect() {
    if (gaveUp) return;
    connectionLine.hidden = false;
    setTyping(false);
    // Exponential backoff with full jitter: 0.5 s, 1 s, 2 s ... capped at 30 s, each drawn at
    // random below that, so thousands of widgets do not return in step after an outage.
    var ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_FIRST_MS * Math.pow(2, retries));
    var delay = Math.max(250, Math.random() * ceiling);
    retries += 1;
    window.clearTimeout(reconnectTimer);
    reconnectTimer = window.setTimeout(connect, delay);
  }
  function giveUp() {
    gaveUp = true;
    connectionLine.hidden = true;
    showNotice(t("The chat isn't available on this site. Please contact us another way."));
    input.disabled = true;
    sendButton.disabled = true;
  }
  window.addEventListener("online", function () {
    // Back on the network: try at once instead of waiting out the backoff.
    if (!socket && state.open && !gaveUp) { retries = 0; connect(); }
  });
  window.setInterval(function () {
    if (!ready) return;
    if (sendFrame({ type: "ping" })) {
      window.clearTimeout(pongTimer);
      pongTimer = window.setTimeout(abandonSocket, PONG_WITHIN_MS);
    }
  }, PING_EVERY_MS);

  function startNewConversation(reason) {
    // The token names no conversation here (expired, erased, another server's): forget it and
    // everything drawn from it, keep what the customer has not sent yet, and say hello anew.
    state.token = null;
    state.conversation = null;
    state.lastSeq = 0;
    state.transcript = [];
    state.agentName = "";
    Object.keys(bySeq).forEach(function (seq) { bySeq[seq].item.remove(); });
    bySeq = {};
    streams = {};
    if (ratingCard) { ratingCard.remove(); ratingCard = null; }
    persist();
    showNotice(reason);
    sendHello();
  }

  function handle(f) {
    switch (f.type) {
      case "welcome": return onWelcome(f);
      case "token":
        // A fresh token for the same conversation (the old one expires when idle).
        if (typeof f.token === "string") { state.token = f.token; persist(); }
        return;
      case "ack": return onAck(f);
      case "message_start": return onStart(f);
      case "delta": return onDelta(f);
      case "message_end": return onEnd(f);
      case "message":
        if (typeof f.seq !== "number") return;
        if (f.role !== "customer") setTyping(false);
        showMessage(f, true);
        updateLastSeq();
        persist();
        return;
      case "status":
        setStatus(f.status, f.agent, true, typeof f.detail === "string" ? f.detail : "");
        return;
      case "identified":
        return;
      case "typing":
        if (f.role === "agent") showAgentTyping(f);
        return;
      case "email_saved":
        showNotice("");
        state.emailSavedConversation = state.conversation;
        persist();
        var offers = log.querySelectorAll("form.email-offer");
        if (offers.length) offers.forEach(function (f) { f.replaceWith(emailThanks()); });
        else noticeItem("system", t("Thanks! We'll reply by email."));
        return;
      case "error": return onError(f);
      default: return; // pong, and frame types newer than this widget
    }
  }

  function onWelcome(f) {
    ready = true;
    retries = 0;
    connectionLine.hidden = true;
    if (state.conversation && f.conversation !== state.conversation) {
      // A different conversation than the one on screen: its transcript is not ours.
      state.transcript = [];
      state.lastSeq = 0;
      Object.keys(bySeq).forEach(function (seq) { bySeq[seq].item.remove(); });
      bySeq = {};
      streams = {};
    }
    state.token = f.token;
    state.conversation = f.conversation;
    (f.history || []).forEach(function (m) {
      if (typeof m.seq === "number" && !(bySeq[m.seq] && bySeq[m.seq].complete)) showMessage(m, false);
    });
    updateLastSeq();
    setStatus(f.status || "ai", typeof f.agent === "string" ? f.agent : null, false);
    if (typeof f.language === "string") useStrings(f.language, f.strings);
    persist();
    // Resend what the server never acknowledged, with the same client_id: a message that was
    // stored before the connection dropped is only acked again, never stored twice.
    state.pending.forEach(sendMessage);
    sendIdentity();
    if (handoffWanted && state.status === "ai") askForPerson();
    else handoffWanted = false;
  }

  function onAck(f) {
    inFlight = inFlight.filter(function (id) { return id !== f.client_id; });
    var entry = null;
    state.pending = state.pending.filter(function (p) {
      if (p.client_id === f.client_id) { entry = p; return false; }
      return true;
    });
    var b = pendingBubbles[f.client_id];
    delete pendingBubbles[f.client_id];
    if (b && bySeq[f.seq]) {
      b.item.remove(); // history already showed it (the first ack was lost with the socket)
    } else if (b && typeof f.seq === "number") {
      b.item.classList.remove("sending");
      var label = b.meta.querySelector(".state");
      if (label) label.remove();
      b.item.remove();
      b.item.setAttribute("data-seq", String(f.seq));
      place(b.item, f.seq);
      bySeq[f.seq] = { item: b.item, body: b.body, complete: true };
    }
    if (entry && typeof f.seq === "number") {
      remember({ seq: f.seq, role: "customer", author: "", text: entry.text, created_at: entry.created_at, interrupted: false });
    }
    updateLastSeq();
    persist();
    if (state.status === "ai" && !Object.keys(streams).length) setTyping(true);
  }

  function onStart(f) {
    setTyping(false);
    dropSolved();
    var existing = bySeq[f.seq];
    if (existing && existing.complete) {
      streams[f.seq] = { text: "", ignore: true }; // already have it whole
      return;
    }
    // A resumed answer starts again with one delta carrying all the text so far.
    streams[f.seq] = { text: "", ignore: false };
    if (!existing) {
      var b = buildBubble(f.role || "assistant", null, null);
      b.item.classList.add("streaming");
      b.item.setAttribute("data-seq", String(f.seq));
      // Screen readers announce the answer once it is whole, not every fragment.
      b.item.setAttribute("aria-busy", "true");
      place(b.item, f.seq);
      bySeq[f.seq] = { item: b.item, body: b.body, complete: false };
    }
    updateLastSeq();
  }

  function onDelta(f) {
    var stream = streams[f.seq];
    var b = bySeq[f.seq];
    if (!stream || stream.ignore || !b || typeof f.text !== "string") return;
    var stick = nearBottom();
    stream.text += f.text;
    renderText(b.body, stream.text);
    if (stick) log.scrollTop = log.scrollHeight;
  }

  function onEnd(f) {
    var stream = streams[f.seq];
    var b = bySeq[f.seq];
    delete streams[f.seq];
    if (!stream || stream.ignore || !b) { updateLastSeq(); return; }
    b.complete = true;
    b.item.classList.remove("streaming");
    b.item.removeAttribute("aria-busy");
    if (f.interrupted) b.item.classList.add("interrupted");
    remember({ seq: f.seq, role: "assistant", author: "", text: stream.text, created_at: new Date().toISOString(), interrupted: !!f.interrupted });
    updateLastSeq();
    persist();
    markUnread();
    if (!f.interrupted && state.status === "ai") offerSolved();
  }

  function onError(f) {
    var code = String(f.code || "");
    if (!ready && helloSentWithToken && /token/.test(code)) {
      startNewConversation(t("Your earlier conversation could not be found, so we started a new one."));
      return;
    }
    if (code === "origin_not_allowed") { giveUp(); return; }
    if (f.frame === "typing") return; // a typing hint that did not go out: nothing to tell

    if (!ready && code === "last_seq_ahead") {
      // The server has fewer messages than this page remembers (restored from a backup):
      // ask for all of them; the ones on screen are matched by seq.
      state.lastSeq = 0;
      sendHello();
      return;
    }
    if (code === "internal_error" && typeof f.client_id === "string" && inFlight.indexOf(f.client_id) >= 0) {
      // Not stored, or stored and not acked: the message stays pending and goes again, with
      // the same client_id, once a fresh connection says hello.
      showNotice(politeError(f));
      abandonSocket();
      return;
    }
    if (MESSAGE_ERRORS[code] && inFlight.length) {
      // The server names the refused message; older servers only keep the order.
      var at = typeof f.client_id === "string" ? inFlight.indexOf(f.client_id) : 0;
      refuseMessage(inFlight.splice(at < 0 ? 0 : at, 1)[0], f);
      return;
    }
    setTyping(false);
    showNotice(politeError(f));
  }

  function politeError(f) {
    if (f.code === "rate_limited") {
      if (Number(f.retry_after_s) > 0) return t("You're sending messages a little quickly. Please try again in {seconds} seconds.", { seconds: Math.ceil(f.retry_after_s) });
      return t("You're sending messages a little quickly. Please try again in a moment.");
    }
    if (f.code === "too_many_sockets") return t("You have many chats open; close one and we'll reconnect this one.");
    if (f.code === "message_too_long") return t("That message is too long: at most {max} characters.", { max: MAX_CHARS });
    return f.detail || t("Something went wrong; please try again.");
  }

  var restoredChars = 0; // how much of the box holds refused messages put back

  // The server refused a message (nothing was stored): take it off the log and put the words
  // back in the box, so the customer can send them again.
  function refuseMessage(clientId, f) {
    var entry = null;
    state.pending = state.pending.filter(function (p) {
      if (p.client_id === clientId) { entry = p; return false; }
      return true;
    });
    var b = pendingBubbles[clientId];
    if (b) { b.item.remove(); delete pendingBubbles[clientId]; }
    if (entry) {
      // Refused texts go back first, in the order they were written, before anything typed since.
      var restored = input.value.slice(0, restoredChars);
      var typed = input.value.slice(restoredChars).replace(/^\n/, "");
      restored = restored ? restored + "\n" + entry.text : entry.text;
      restoredChars = restored.length;
      input.value = typed ? restored + "\n" + typed : restored;
      updateCounter();
    }
    persist();
    setTyping(false);
    showNotice(politeError(f) + (entry ? " " + t("Your message is back in the box.") : ""));
  }

  // ---------------------------------------------------------------------------------------
  // What the customer does.

  function submit() {
    var text = input.value;
    if (!text.trim()) return;
    if (text.length > MAX_CHARS) { showNotice(t("That message is too long: at most {max} characters.", { max: MAX_CHARS })); return; }
    showNotice("");
    dropSolved();
    restoredChars = 0;
    var entry = { client_id: newClientId(), text: text, created_at: new Date().toISOString() };
    state.pending.push(entry);
    persist(); // before sending: a crash or reload now still resends it
    showPending(entry);
    input.value = "";
    updateCounter();
    typingTold = false; // the message itself ends the hint on the agent's side
    typingSentAt = 0;
    if (ready) sendMessage(entry);
    else if (!socket) connect();
  }
  function updateCounter() {
    var n = input.value.length;
    counter.textContent = n + " / " + MAX_CHARS;
    counter.classList.toggle("near-limit", n > MAX_CHARS - 200);
  }
  form.addEventListener("submit", function (e) { e.preventDefault(); submit(); });
  input.addEventListener("keydown", function (e) {
    // Enter sends; Shift+Enter is a new line; Enter that confirms an IME composition is neither.
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      submit();
    }
  });
  input.addEventListener("input", function () { updateCounter(); tellTyping(); });
  var handoffWanted = false; // pressed before the connection was ready; sent after welcome
  function askForPerson() {
    // The button is about to be disabled, then hidden: keep the keyboard in the chat.
    if (root.activeElement === personButton) input.focus();
    if (sendFrame({ type: "handoff" })) {
      handoffWanted = false;
      showNotice("");
      // Disabled until the status frame says people have it (or a while passes without one).
      personButton.disabled = true;
      personTimer = window.setTimeout(function () { personButton.disabled = false; }, 10000);
      setTyping(false);
    } else {
      handoffWanted = true;
      personButton.disabled = true;
      showNotice(t("Connecting\u2026 we'll pass you to a person as soon as we're connected."));
      if (!socket && !gaveUp) { retries = 0; connect(); }
    }
  }
  personButton.addEventListener("click", askForPerson);

  function open(options) {
    var moveFocus = !(options && options.focus === false);
    if (state.open) { if (moveFocus) input.focus(); return; }
    state.open = true;
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    launcherText.textContent = t("Hide chat");
    launcher.removeAttribute("aria-label");
    unreadDot.hidden = true;
    persist();
    if (!socket && !gaveUp) { retries = 0; connect(); }
    log.scrollTop = log.scrollHeight;
    if (moveFocus) {
      if (frame.hidden) focusWhenShown = true;
      else input.focus();
    }
  }
  function close() {
    if (!state.open) return;
    state.open = false;
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    launcherText.textContent = t("Chat with us");
    persist();
    launcher.focus();
  }
  launcher.addEventListener("click", function () { if (state.open) close(); else open(); });
  closeButton.addEventListener("click", close);
  panel.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && !e.isComposing) { e.preventDefault(); close(); }
  });

  // ---------------------------------------------------------------------------------------
  // Start: draw what we remember, then connect when the visitor opens the chat (or at once if
  // a conversation was open or has unsent messages, so nothing waits for a click).

  // The texts again, in the language the server just named (its welcome, or /widget/strings).
  var greetingText = null;
  function useStrings(language, strings) {
    if (typeof language !== "string" || !language) return;
    state.language = language;
    state.strings = strings && typeof strings === "object" ? strings : {};
    titleText.textContent = title();
    if (greetingText) greetingText.textContent = greeting();
    launcherText.textContent = t(state.open ? "Hide chat" : "Chat with us");
    if (!unreadDot.hidden) launcher.setAttribute("aria-label", t("Chat with us (new reply)"));
    unreadDot.textContent = t("New reply");
    closeButton.setAttribute("aria-label", t("Close chat"));
    personButton.textContent = t("Talk to a person");
    connectionLine.textContent = t("Connection lost \u2014 reconnecting\u2026");
    log.setAttribute("aria-label", t("Conversation"));
    typingText.textContent = agentTyping ? t("{name} is typing\u2026", { name: agentTyping }) : t("Writing an answer\u2026");
    inputLabel.textContent = t("Your message");
    input.setAttribute("placeholder", t("Write a message\u2026"));
    sendButton.textContent = t("Send");
    hint.textContent = t("Enter to send, Shift+Enter for a new line");
    statusLine.textContent = statusText(state.status);
  }
  // Before the first welcome: the texts for the browser's language.
  function fetchStrings() {
    if (state.language || !window.fetch) return;
    var url = serverOrigin + "/widget/strings?language=" + encodeURIComponent(navigator.language || "");
    window.fetch(url).then(function (r) { return r.ok ? r.json() : null; }).then(function (data) {
      if (data && !state.language) useStrings(data.language, data.strings);
    }).catch(function () { /* English it stays */ });
  }

  function mount() {
    var hello = el("li", { class: "msg system greeting" });
    var body = el("div", { class: "body" });
    greetingText = el("p", null, greeting());
    body.appendChild(greetingText);
    hello.appendChild(body);
    log.appendChild(hello);
    state.transcript.forEach(function (m) { showMessage(m, false); });
    state.pending.forEach(showPending);
    statusLine.textContent = statusText("ai");
    updateCounter();
    document.body.appendChild(host);
    fetchStrings();
    // Reopened after a navigation, but without taking focus from the page the visitor is on.
    if (state.wasOpen) open({ focus: false });
    else if (state.pending.length) connect();
  }
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);

  // Who the customer is, from the embedding site: {external_id, name, email, hash}, where hash
  // is the hex HMAC-SHA256 of external_id under the site's identity secret (computed on the
  // site's server). Without a valid hash the name reaches agents marked as unverified.
  var identity = null;
  function sendIdentity() {
    if (!identity) return;
    sendFrame({ type: "identify", external_id: identity.external_id, name: identity.name, email: identity.email, hash: identity.hash });
  }
  function identify(who) {
    if (!who || typeof who !== "object") return;
    function text(value) { return typeof value === "string" ? value : value === undefined || value === null ? "" : String(value); }
    identity = { external_id: text(who.external_id), name: text(who.name), email: text(who.email), hash: text(who.hash) };
    // Sent once connected: identifying alone never opens a conversation.
    if (ready) sendIdentity();
  }

  window.LadderWidget = {
    open: function () { open(); },
    close: function () { close(); },
    identify: identify,
  };
})();
