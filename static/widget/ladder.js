/*
 * Ladder chat widget: one file any site embeds with
 *   <script src="https://support.example.com/static/widget/ladder.js" defer></script>
 * It draws itself inside a shadow root (no CSS leaks either way), talks PROTOCOL.md over
 * /ws/chat/ on the script's own origin, keeps its conversation across reloads, reconnects with
 * backoff and resends what the server has not acknowledged.
 */
(function () {
  "use strict";
  if (window.LadderWidget) return;

  var script = document.currentScript || document.querySelector('script[src*="ladder.js"]');
  var scriptUrl = new URL(script.src, window.location.href);
  var serverOrigin = scriptUrl.origin;
  var wsUrl = (scriptUrl.protocol === "https:" ? "wss://" : "ws://") + scriptUrl.host + "/ws/chat/";
  var title = script.getAttribute("data-title") || "Chat with us";
  var greeting = script.getAttribute("data-greeting") || "Hi! Ask us anything about your order, shipping or returns.";
  var storeKey = "ladder:" + serverOrigin;
  var MAX_CHARS = 4000;

  // ---- persisted state: token, highest seq seen, messages not yet acknowledged ----
  function load() {
    try { return JSON.parse(window.localStorage.getItem(storeKey)) || {}; } catch (e) { return {}; }
  }
  var saved = load();
  var state = {
    token: saved.token || null,
    // The highest seq this page has on screen: a reload starts from 0 and gets the history.
    lastSeq: 0,
    pending: saved.pending || [], // [{client_id, text}]
    open: false,
    socket: null,
    retry: 0,
    connected: false,
    status: "ai",
    seen: {}, // seq -> element
    streams: {}, // seq -> {el, text}
  };
  function persist() {
    try {
      window.localStorage.setItem(storeKey, JSON.stringify({ token: state.token, pending: state.pending, wasOpen: state.open }));
    } catch (e) { /* private mode: the chat still works, it just forgets on reload */ }
  }
  function newClientId() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    return "c-" + Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 12);
  }

  // ---- DOM: everything lives in a shadow root ----
  var host = document.createElement("div");
  host.setAttribute("data-ladder-widget", "");
  var root = host.attachShadow({ mode: "open" });
  var style = document.createElement("link");
  style.rel = "stylesheet";
  style.href = serverOrigin + "/static/widget/ladder-widget.css";
  root.appendChild(style);

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  var launcher = el("button", { class: "launcher", type: "button", "aria-haspopup": "dialog", "aria-expanded": "false", "aria-label": "Open chat: " + title }, "Chat");
  var panel = el("section", { class: "panel", role: "dialog", "aria-modal": "false", "aria-label": title, hidden: "" });
  var header = el("header", { class: "header" });
  header.appendChild(el("h2", { class: "title" }, title));
  var personButton = el("button", { class: "person", type: "button" }, "Talk to a person");
  var closeButton = el("button", { class: "close", type: "button", "aria-label": "Close chat" }, "\u00d7");
  header.appendChild(personButton);
  header.appendChild(closeButton);
  var connection = el("p", { class: "connection", role: "status", hidden: "" }, "Connection lost \u2014 reconnecting\u2026");
  var log = el("ol", { class: "log", role: "log", "aria-live": "polite", "aria-label": "Conversation" });
  var typing = el("p", { class: "typing", hidden: "", "aria-live": "polite" }, "Typing\u2026");
  var notice = el("p", { class: "notice", role: "alert", hidden: "" });
  var form = el("form", { class: "composer" });
  var label = el("label", { for: "ladder-input", class: "visually-hidden" }, "Your message");
  var input = el("textarea", { id: "ladder-input", rows: "2", maxlength: String(MAX_CHARS), placeholder: "Write a message\u2026", "aria-describedby": "ladder-count" });
  var counter = el("span", { id: "ladder-count", class: "counter", "aria-live": "polite" }, "");
  var send = el("button", { type: "submit", class: "send" }, "Send");
  form.appendChild(label);
  form.appendChild(input);
  form.appendChild(counter);
  form.appendChild(send);
  panel.appendChild(header);
  panel.appendChild(connection);
  panel.appendChild(log);
  panel.appendChild(typing);
  panel.appendChild(notice);
  panel.appendChild(form);
  root.appendChild(launcher);
  root.appendChild(panel);

  // ---- rendering: text only, never HTML from the server ----
  function renderText(container, text) {
    // A safe Markdown subset built from DOM nodes: paragraphs, **bold**, http(s) links.
    container.textContent = "";
    text.split(/\n{2,}/).forEach(function (para) {
      var p = document.createElement("p");
      var parts = para.split(/(\*\*[^*]+\*\*|https?:\/\/[^\s<>"')]+)/g);
      parts.forEach(function (part) {
        if (!part) return;
        if (/^\*\*[^*]+\*\*$/.test(part)) {
          p.appendChild(el("strong", null, part.slice(2, -2)));
        } else if (/^https?:\/\//.test(part)) {
          var a = el("a", { href: part, target: "_blank", rel: "noopener noreferrer nofollow" }, part);
          p.appendChild(a);
        } else {
          p.appendChild(document.createTextNode(part));
        }
      });
      container.appendChild(p);
    });
  }
  function timeLabel(iso) {
    var when = iso ? new Date(iso) : new Date();
    return when.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }
  function bubble(role, author, iso) {
    var item = el("li", { class: "msg " + role });
    var meta = el("span", { class: "meta" });
    var who = role === "customer" ? "You" : role === "agent" ? (author || "Agent") : role === "system" ? "" : "Assistant";
    if (who) meta.appendChild(el("span", { class: "who" }, who));
    var t = el("time", { datetime: iso || new Date().toISOString() }, timeLabel(iso));
    meta.appendChild(t);
    var body = el("div", { class: "body" });
    item.appendChild(meta);
    item.appendChild(body);
    log.appendChild(item);
    log.scrollTop = log.scrollHeight;
    return { item: item, body: body };
  }
  function seeSeq(seq) {
    if (seq > state.lastSeq) { state.lastSeq = seq; persist(); }
  }
  function showMessage(frame) {
    if (state.seen[frame.seq]) {
      // A whole frame for something we streamed or showed: replace its text.
      renderText(state.seen[frame.seq].body, frame.text);
      return;
    }
    var b = bubble(frame.role, frame.author, frame.created_at);
    if (frame.interrupted) b.item.classList.add("interrupted");
    renderText(b.body, frame.text);
    state.seen[frame.seq] = b;
    seeSeq(frame.seq);
    if (frame.offer === "email") offerEmail(b.item);
  }
  function showNotice(text) {
    notice.textContent = text;
    notice.hidden = !text;
  }

  // ---- pending (unacknowledged) customer messages ----
  var pendingBubbles = {}; // client_id -> bubble
  function showPending(entry) {
    var b = bubble("customer", null, null);
    b.item.classList.add("sending");
    renderText(b.body, entry.text);
    pendingBubbles[entry.client_id] = b;
  }

  // ---- status, rating, email follow-up ----
  function showStatus(frame) {
    state.status = frame.status;
    typing.hidden = true;
    var words = {
      waiting: "A person from our team will answer you here shortly.",
      agent: (frame.agent || "An agent") + " joined the conversation.",
      ai: "You're chatting with our assistant again.",
      resolved: "This conversation is resolved. How did we do?",
    };
    var item = el("li", { class: "msg status" });
    item.appendChild(el("div", { class: "body" }, words[frame.status] || frame.status));
    log.appendChild(item);
    if (frame.status === "resolved") offerRating(item);
    log.scrollTop = log.scrollHeight;
  }
  function offerRating(container) {
    var group = el("div", { class: "rating", role: "group", "aria-label": "Rate this conversation from 1 to 5" });
    for (var score = 1; score <= 5; score++) {
      (function (value) {
        var b = el("button", { type: "button", "aria-label": value + " out of 5" }, String(value));
        b.addEventListener("click", function () {
          sendFrame({ type: "rating", score: value });
          group.textContent = "Thank you for rating us " + value + " out of 5.";
        });
        group.appendChild(b);
      })(score);
    }
    container.appendChild(group);
  }
  function offerEmail(container) {
    var f = el("form", { class: "email-offer" });
    var l = el("label", {}, "Your email");
    var i = el("input", { type: "email", required: "", autocomplete: "email" });
    l.appendChild(i);
    f.appendChild(l);
    f.appendChild(el("button", { type: "submit" }, "Email me the answer"));
    f.addEventListener("submit", function (e) {
      e.preventDefault();
      sendFrame({ type: "email", email: i.value });
    });
    container.appendChild(f);
  }

  // ---- the socket ----
  function sendFrame(frame) {
    if (state.socket && state.socket.readyState === 1) {
      state.socket.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }
  function connect() {
    var socket = new WebSocket(wsUrl);
    state.socket = socket;
    socket.addEventListener("open", function () {
      var language = (navigator.language || "").match(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?$/) ? navigator.language.slice(0, 8) : "";
      socket.send(JSON.stringify({ type: "hello", token: state.token, last_seq: state.lastSeq, language: language }));
    });
    socket.addEventListener("message", function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      handle(frame);
    });
    socket.addEventListener("close", function () {
      state.connected = false;
      if (state.socket !== socket) return;
      connection.hidden = false;
      // Exponential backoff with jitter: 0.5 s doubling to 30 s.
      var delay = Math.min(30000, 500 * Math.pow(2, state.retry)) * (0.5 + Math.random() / 2);
      state.retry += 1;
      window.setTimeout(connect, delay);
    });
  }
  function handle(frame) {
    switch (frame.type) {
      case "welcome":
        state.connected = true;
        state.retry = 0;
        connection.hidden = true;
        state.token = frame.token;
        persist();
        (frame.history || []).forEach(showMessage);
        // Resend what the server never acknowledged, with the same client_id (idempotent).
        state.pending.forEach(function (entry) {
          sendFrame({ type: "message", client_id: entry.client_id, text: entry.text });
        });
        if (frame.status !== state.status && frame.status !== "ai") showStatus({ status: frame.status });
        state.status = frame.status;
        break;
      case "ack":
        state.pending = state.pending.filter(function (p) { return p.client_id !== frame.client_id; });
        var b = pendingBubbles[frame.client_id];
        if (b) {
          b.item.classList.remove("sending");
          state.seen[frame.seq] = b;
          delete pendingBubbles[frame.client_id];
        }
        seeSeq(frame.seq);
        persist();
        if (state.status === "ai") typing.hidden = false;
        break;
      case "message_start":
        typing.hidden = true;
        if (state.seen[frame.seq]) break;
        var s = bubble("assistant", null, null);
        s.item.classList.add("streaming");
        state.streams[frame.seq] = { el: s, text: "" };
        state.seen[frame.seq] = s;
        break;
      case "delta":
        var stream = state.streams[frame.seq];
        if (!stream) break;
        stream.text += frame.text;
        renderText(stream.el.body, stream.text);
        log.scrollTop = log.scrollHeight;
        break;
      case "message_end":
        var done = state.streams[frame.seq];
        if (done) {
          done.el.item.classList.remove("streaming");
          if (frame.interrupted) done.el.item.classList.add("interrupted");
          delete state.streams[frame.seq];
        }
        seeSeq(frame.seq);
        break;
      case "message":
        typing.hidden = true;
        showMessage(frame);
        break;
      case "status":
        showStatus(frame);
        break;
      case "email_saved":
        showNotice("Thanks! We'll reply by email.");
        break;
      case "pong":
        break;
      case "error":
        if (frame.code === "bad_token") {
          // The conversation is gone (or the site changed keys): start a new one.
          state.token = null;
          state.lastSeq = 0;
          persist();
          sendFrame({ type: "hello", token: null, last_seq: 0 });
          break;
        }
        typing.hidden = true;
        showNotice(frame.detail || "Something went wrong.");
        if (frame.code === "rate_limited" || frame.code === "message_too_long" || frame.code === "message_empty") {
          // The refused text goes back in the box; nothing the customer wrote is lost.
          var last = state.pending.pop();
          if (last) {
            var pb = pendingBubbles[last.client_id];
            if (pb) { pb.item.remove(); delete pendingBubbles[last.client_id]; }
            if (!input.value) input.value = last.text;
            persist();
            updateCounter();
          }
        }
        break;
    }
  }
  window.setInterval(function () { sendFrame({ type: "ping" }); }, 25000);

  // ---- user actions ----
  function submit() {
    var text = input.value;
    if (!text.trim()) return;
    if (text.length > MAX_CHARS) { showNotice("Messages can have at most " + MAX_CHARS + " characters."); return; }
    showNotice("");
    var entry = { client_id: newClientId(), text: text };
    state.pending.push(entry);
    persist();
    showPending(entry);
    input.value = "";
    updateCounter();
    sendFrame({ type: "message", client_id: entry.client_id, text: text });
  }
  function updateCounter() {
    var n = input.value.length;
    counter.textContent = n > MAX_CHARS - 500 ? n + " / " + MAX_CHARS : "";
  }
  form.addEventListener("submit", function (e) { e.preventDefault(); submit(); });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); submit(); }
  });
  input.addEventListener("input", updateCounter);
  personButton.addEventListener("click", function () { sendFrame({ type: "handoff" }); });

  function open() {
    if (state.open) return;
    state.open = true;
    persist();
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    if (!state.socket) {
      if (!log.children.length) {
        var hi = el("li", { class: "msg system greeting" });
        hi.appendChild(el("div", { class: "body" }, greeting));
        log.appendChild(hi);
      }
      state.pending.forEach(showPending);
      connect();
    }
    input.focus();
  }
  function close() {
    state.open = false;
    persist();
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    launcher.focus();
  }
  launcher.addEventListener("click", function () { return state.open ? close() : open(); });
  closeButton.addEventListener("click", close);
  panel.addEventListener("keydown", function (e) { if (e.key === "Escape") close(); });

  function mount() {
    document.body.appendChild(host);
    // A visitor who had the chat open finds it open again after a reload.
    if (state.token && saved.wasOpen) open();
  }
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
  window.LadderWidget = { open: open, close: close };
})();
