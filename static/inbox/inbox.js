/* The inbox's live side: one websocket to /ws/inbox/, local times, the live waiting clock,
   alerts for new handoffs (a short beep and a title badge, both switchable), and the reply
   box's keys. Pages work without it; this only makes them live. */
(function () {
  "use strict";

  var inbox = document.getElementById("inbox");
  if (!inbox) return;

  var ALERTS_KEY = "ladder.inbox.alerts";
  var baseTitle = document.title;
  var unseenHandoffs = 0;
  var socket = null;
  var retryMs = 500;
  var pingTimer = null;
  var refreshTimers = {};

  // Times: ISO in <time datetime>, shown in the agent's own time zone.

  var timeFormat = new Intl.DateTimeFormat(undefined, {
    hour: "2-digit", minute: "2-digit"
  });
  var dateTimeFormat = new Intl.DateTimeFormat(undefined, {
    year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit"
  });

  function localiseTimes(root) {
    (root || document).querySelectorAll("time[data-local]").forEach(function (el) {
      var when = new Date(el.getAttribute("datetime"));
      if (isNaN(when)) return;
      var today = new Date().toDateString() === when.toDateString();
      el.textContent = (today ? timeFormat : dateTimeFormat).format(when);
      el.title = dateTimeFormat.format(when);
    });
  }

  function elapsedText(seconds) {
    if (seconds < 60) return seconds + " s";
    var minutes = Math.floor(seconds / 60);
    if (minutes < 60) return minutes + " min " + (seconds % 60) + " s";
    var hours = Math.floor(minutes / 60);
    if (hours < 24) return hours + " h " + (minutes % 60) + " min";
    var days = Math.floor(hours / 24);
    return days + " d " + (hours % 24) + " h";
  }

  function tickElapsed() {
    document.querySelectorAll("time[data-elapsed]").forEach(function (el) {
      var since = new Date(el.getAttribute("datetime"));
      if (isNaN(since)) return;
      var seconds = Math.max(0, Math.floor((Date.now() - since.getTime()) / 1000));
      el.textContent = elapsedText(seconds);
    });    // The first-response target: a row turns "Near target", then "Past target", as time goes.
    document.querySelectorAll(".first-response[data-due-at]").forEach(function (el) {
      var now = Date.now();
      var state = now >= Date.parse(el.getAttribute("data-due-at")) ? "past"
        : now >= Date.parse(el.getAttribute("data-near-at")) ? "near" : "within";
      if (el.getAttribute("data-state") === state) return;
      el.setAttribute("data-state", state);
      el.textContent = state === "within" ? "" : el.getAttribute("data-" + state + "-label");
      var row = el.closest("tr");
      if (row) {
        row.classList.remove("first-response-within", "first-response-near", "first-response-past");
        row.classList.add("first-response-" + state);
      }
    });
  }

  // Alerts: a beep from WebAudio (no sound file) and "(n)" in the title.

  var alertsToggle = document.getElementById("alerts-toggle");
  function alertsOn() {
    return localStorage.getItem(ALERTS_KEY) !== "off";
  }
  if (alertsToggle) {
    alertsToggle.checked = alertsOn();
    alertsToggle.addEventListener("change", function () {
      localStorage.setItem(ALERTS_KEY, alertsToggle.checked ? "on" : "off");
      if (!alertsToggle.checked) clearBadge();
    });
  }

  var audio = null;
  function beep() {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      var oscillator = audio.createOscillator();
      var gain = audio.createGain();
      oscillator.type = "sine";
      oscillator.frequency.value = 880;
      gain.gain.setValueAtTime(0.15, audio.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.25);
      oscillator.connect(gain).connect(audio.destination);
      oscillator.start();
      oscillator.stop(audio.currentTime + 0.25);
    } catch (e) {
      /* No audio (or not allowed before a click): the badge still shows. */
    }
  }

  function showBadge() {
    document.title = unseenHandoffs ? "(" + unseenHandoffs + ") " + baseTitle : baseTitle;
  }
  function clearBadge() {
    unseenHandoffs = 0;
    showBadge();
  }
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) clearBadge();
  });
  window.addEventListener("focus", clearBadge);

  // Desktop notifications, once the agent allows them (the browser asks after a click).

  var notifyToggle = document.getElementById("notify-toggle");
  var notifyState = document.getElementById("notify-state");
  function showNotifySetting() {
    if (!notifyToggle) return;
    if (!("Notification" in window)) {
      notifyState.textContent = "Desktop notifications: not supported by this browser";
      return;
    }
    var permission = Notification.permission;
    notifyToggle.hidden = permission !== "default";
    notifyState.textContent = permission === "granted" ? "Desktop notifications: on"
      : permission === "denied" ? "Desktop notifications: blocked in the browser's settings" : "";
  }
  if (notifyToggle) {
    notifyToggle.addEventListener("click", function () {
      Notification.requestPermission().then(showNotifySetting);
    });
    showNotifySetting();
  }
  function notifyDesktop(conversation) {
    if (!("Notification" in window) || Notification.permission !== "granted") return;
    try {
      var note = new Notification("New handoff in the Ladder inbox", {
        body: "A customer is waiting for a person.",
        tag: "ladder-handoff-" + (conversation || ""),
      });
      note.onclick = function () {
        window.focus();
        if (conversation) location.href = "/inbox/c/" + conversation + "/";
      };
    } catch (e) {
      /* Some browsers only notify from a service worker: the beep and badge remain. */
    }
  }

  function newHandoff(conversation) {
    if (!alertsOn()) return;
    notifyDesktop(conversation);
    beep();
    if (document.hidden || !document.hasFocus()) {
      unseenHandoffs += 1;
      showBadge();
    }
  }

  // Re-fetching a partial: htmx listens for these events on <body> (hx-trigger="... from:body").

  function refresh(eventName) {
    clearTimeout(refreshTimers[eventName]);
    refreshTimers[eventName] = setTimeout(function () {
      document.body.dispatchEvent(new CustomEvent(eventName));
    }, 120);
  }

  // The transcript of the conversation on screen: one entry per seq, whoever brings it first.

  function transcript() {
    return document.getElementById("transcript");
  }
  function watchedConversation() {
    var list = transcript();
    return list ? list.getAttribute("data-conversation") : null;
  }

  function fragment(html) {
    var template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content.firstElementChild;
  }

  // "Kim is typing…" under the transcript while the customer writes; it goes by itself.

  var typingTimer = null;
  function clearCustomerTyping() {
    var line = document.getElementById("typing-indicator");
    clearTimeout(typingTimer);
    if (line && line.textContent) line.textContent = "";
  }
  function showCustomerTyping(frame) {
    var line = document.getElementById("typing-indicator");
    if (!line) return;
    if (!frame.active) { clearCustomerTyping(); return; }
    var panel = document.getElementById("conversation-panel");
    var name = panel ? panel.getAttribute("data-customer-name") : "";
    var text = name
      ? line.getAttribute("data-named").replace("{name}", name)
      : line.getAttribute("data-unnamed");
    if (line.textContent !== text) line.textContent = text;
    clearTimeout(typingTimer);
    var seconds = Math.min(Number(frame.expires_in_s) > 0 ? Number(frame.expires_in_s) : 6, 60);
    typingTimer = setTimeout(clearCustomerTyping, seconds * 1000);
  }

  // The agent's own typing, told to the customer at most every few seconds while they write.
  var TYPING_EVERY_MS = 3000;
  var typingSentAt = 0;
  var typingTold = false;
  function tellTyping(box) {
    var now = Date.now();
    if (box.value.trim()) {
      if (now - typingSentAt < TYPING_EVERY_MS) return;
      typingSentAt = now;
      typingTold = true;
      send({ type: "typing" });
    } else if (typingTold) {
      typingTold = false;
      send({ type: "typing", active: false });
    }
  }
  document.addEventListener("input", function (event) {
    if (event.target && event.target.id === "reply-text") tellTyping(event.target);
  });

  function placeEntry(html) {
    var list = transcript();
    var entry = fragment(html);
    if (!list || !entry) return;
    if (entry.classList.contains("entry-customer")) clearCustomerTyping();
    if (entry.classList.contains("entry-agent")) { typingTold = false; typingSentAt = 0; }
    var existing = entry.id ? document.getElementById(entry.id) : null;
    if (existing) {
      existing.replaceWith(entry);
    } else {
      var empty = list.querySelector(".empty");
      if (empty) empty.remove();
      list.appendChild(entry);
    }
    if (window.htmx) window.htmx.process(entry);
    localiseTimes(entry);
    entry.scrollIntoView({ block: "nearest" });
  }

  function appendDelta(seq, text) {
    var entry = document.getElementById("m-" + seq);
    var body = entry && entry.querySelector(".entry-text");
    if (body) body.appendChild(document.createTextNode(text));
  }

  function dedupeTranscript() {
    var list = transcript();
    if (!list) return;
    var seen = {};
    list.querySelectorAll("[data-seq]").forEach(function (el) {
      var seq = el.getAttribute("data-seq");
      if (seen[seq]) el.remove();
      else seen[seq] = true;
    });
  }

  // The socket.

  var liveState = document.getElementById("live-state");
  function setLive(state, text) {
    if (!liveState) return;
    liveState.setAttribute("data-state", state);
    liveState.textContent = text;
  }

  function send(frame) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
  }

  function onFrame(frame) {
    switch (frame.type) {
      case "queue.changed":
        refresh("queue-changed");
        if (frame.status === "waiting") newHandoff(frame.conversation);
        if (frame.conversation && frame.conversation === watchedConversation()) {
          refresh("conversation-changed");
        }
        break;
      case "presence.changed":
        refresh("presence-changed");
        break;
      case "transcript.entry":
      case "transcript.stream_start":
        placeEntry(frame.html);
        break;
      case "transcript.delta":
        appendDelta(frame.seq, frame.text);
        break;
      case "typing":
        if (frame.role === "customer") showCustomerTyping(frame);
        break;
    }
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + inbox.getAttribute("data-socket-path"));
    socket.addEventListener("open", function () {
      var reconnected = retryMs > 500;
      retryMs = 500;
      setLive("online", "Live updates: on");
      var conversation = watchedConversation();
      if (conversation) send({ type: "watch", conversation: conversation });
      if (reconnected) {
        // Whatever changed while the socket was down.
        refresh("queue-changed");
        refresh("presence-changed");
        refresh("transcript-stale");
        refresh("conversation-changed");
      }
      clearInterval(pingTimer);
      pingTimer = setInterval(function () { send({ type: "ping" }); }, 25000);
    });
    socket.addEventListener("message", function (event) {
      try {
        onFrame(JSON.parse(event.data));
      } catch (e) {
        /* A frame we cannot read is skipped; the next refresh catches up. */
      }
    });
    socket.addEventListener("close", function () {
      clearInterval(pingTimer);
      setLive("offline", "Live updates: reconnecting…");
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 10000);
    });
  }

  // The reply box: Enter sends, Shift+Enter is a new line; canned replies fill it in.

  // The "/" picker: "/" then part of a title (at the start or after a space) lists matching
  // canned replies; Enter or Tab (or a click) puts the reply in place of "/words", to be
  // edited before sending; Escape closes the list.

  var picker = { box: null, list: null, matches: [], active: 0, start: 0 };

  function cannedReplies() {
    var data = document.getElementById("canned-replies");
    try {
      return data ? JSON.parse(data.textContent) : [];
    } catch (e) {
      return [];
    }
  }
  function pickerOpen() {
    return !!(picker.list && !picker.list.hidden);
  }
  function closePicker() {
    if (picker.list) {
      picker.list.hidden = true;
      picker.list.textContent = "";
    }
    if (picker.box) {
      picker.box.setAttribute("aria-expanded", "false");
      picker.box.removeAttribute("aria-activedescendant");
    }
    picker.matches = [];
  }
  function showActive() {
    var options = picker.list.querySelectorAll("[role=option]");
    options.forEach(function (option, i) {
      option.setAttribute("aria-selected", i === picker.active ? "true" : "false");
    });
    var active = options[picker.active];
    if (active) {
      picker.box.setAttribute("aria-activedescendant", active.id);
      active.scrollIntoView({ block: "nearest" });
    }
  }
  function insertCanned(reply) {
    var box = picker.box;
    var end = box.selectionStart;
    box.value = box.value.slice(0, picker.start) + reply.body + box.value.slice(end);
    var caret = picker.start + reply.body.length;
    box.setSelectionRange(caret, caret);
    closePicker();
    box.focus();
  }
  function updatePicker(box) {
    var list = document.getElementById(box.getAttribute("data-canned-picker"));
    if (!list) return;
    picker.box = box;
    picker.list = list;
    var before = box.value.slice(0, box.selectionStart);
    var typed = before.match(/(^|\s)\/([^\s\/]*(?: [^\s\/]+)*)$/);
    if (!typed) { closePicker(); return; }
    var words = typed[2].toLowerCase();
    picker.start = before.length - typed[2].length - 1;
    picker.matches = cannedReplies().filter(function (reply) {
      return reply.title.toLowerCase().indexOf(words) !== -1;
    }).slice(0, 8);
    list.textContent = "";
    if (!picker.matches.length) {
      var none = document.createElement("li");
      none.className = "empty";
      none.textContent = "No canned reply matches “" + typed[2] + "”";
      list.appendChild(none);
    }
    picker.matches.forEach(function (reply, i) {
      var option = document.createElement("li");
      option.id = "canned-option-" + reply.id;
      option.setAttribute("role", "option");
      var title = document.createElement("strong");
      title.textContent = reply.title;
      var body = document.createElement("span");
      body.textContent = reply.body.length > 90 ? reply.body.slice(0, 90) + "…" : reply.body;
      option.appendChild(title);
      option.appendChild(body);
      option.addEventListener("mousedown", function (event) {
        event.preventDefault(); // keep focus in the box
        insertCanned(picker.matches[i]);
      });
      list.appendChild(option);
    });
    picker.active = 0;
    list.hidden = false;
    box.setAttribute("aria-expanded", "true");
    showActive();
  }
  function hasPicker(box) {
    return !!(box && box.matches && box.matches("textarea[data-canned-picker]"));
  }
  document.addEventListener("input", function (event) {
    if (hasPicker(event.target)) updatePicker(event.target);
  });
  document.addEventListener("focusout", function (event) {
    if (picker.box && event.target === picker.box) closePicker();
  });
  // On a slow connection an agent can type "/words" before this script runs.
  if (hasPicker(document.activeElement)) updatePicker(document.activeElement);

  document.addEventListener("keydown", function (event) {
    var box = event.target;
    if (pickerOpen() && box === picker.box) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        var count = picker.matches.length;
        if (count) picker.active = (picker.active + (event.key === "ArrowDown" ? 1 : count - 1)) % count;
        showActive();
        return;
      }
      if ((event.key === "Enter" || event.key === "Tab") && !event.isComposing) {
        event.preventDefault();
        if (picker.matches.length) insertCanned(picker.matches[picker.active]);
        else closePicker();
        return;
      }
      if (event.key === "Escape") {
        event.preventDefault();
        closePicker();
        return;
      }
    }
    if (!box.matches || !box.matches("textarea[data-enter-sends]")) return;
    if (event.key !== "Enter" || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    if (box.value.trim() && box.form) box.form.requestSubmit();
  });

  document.addEventListener("submit", function (event) {
    // With JavaScript the canned reply goes straight into the box: no page load needed.
    var form = event.target;
    var select = form.querySelector && form.querySelector("select[data-canned-for]");
    if (!select) return;
    event.preventDefault();
    var box = document.getElementById(select.getAttribute("data-canned-for"));
    var option = select.selectedOptions[0];
    if (!box || !option) return;
    var body = option.getAttribute("data-body");
    box.value = box.value ? box.value + "\n" + body : body;
    box.focus();
  });

  // htmx: clear a sent form, keep a half-written reply across panel refreshes, tidy inserts.

  var keptReply = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var box = document.getElementById("reply-text");
    if (event.detail.target && event.detail.target.id === "conversation-panel" && box) {
      keptReply = box.value;
    }
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var box = document.getElementById("reply-text");
    if (keptReply && box && !box.value) box.value = keptReply;
    keptReply = null;
    dedupeTranscript();
    var list = transcript();
    var empty = list && list.querySelector("[data-seq]") && list.querySelector(".empty");
    if (empty) empty.remove();
    localiseTimes(document);
  });
  // A sent form's box is cleared once its request succeeds: from the request itself, since
  // htmx tells nobody when a refresh of the panel swapped the form out while it was on its way.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail.elt;
    var xhr = event.detail.xhr;
    if (!xhr || !form || !form.hasAttribute || !form.hasAttribute("data-clear-on-success")) return;
    var config = event.detail.requestConfig;
    xhr.addEventListener("load", function () { clearSent(form, xhr, config); });
  });
  function clearSent(form, xhr, config) {
    if (xhr.status < 200 || xhr.status >= 300) return;
    // A refused message comes back retargeted to the alert: keep what was written.
    if (xhr.getResponseHeader("HX-Retarget")) return;
    var box = form.querySelector("textarea");
    if (!box) return;
    // A refresh of the panel carried what the box held over to a new one: clear that one.
    if (!box.isConnected && box.id) box = document.getElementById(box.id) || box;
    // Clear what was sent, not what the agent has written since; and bring the focus back
    // from the button that sent it, not from wherever the agent has moved on to.
    var sent = config && config.formData;
    var text = sent && sent.get ? sent.get(box.name) : null;
    // The form's data ends lines with CRLF where the box's value has LF.
    if (typeof text === "string") text = text.replace(/\r\n/g, "\n");
    if (typeof text !== "string" || text === box.value) box.value = "";
    else if (box.value.indexOf(text) === 0) box.value = box.value.slice(text.length).replace(/^\s+/, "");
    var submitted = config && config.triggeringEvent;
    var active = document.activeElement;
    if (!active || active === document.body || (submitted && active === submitted.submitter)) {
      box.focus();
    }
  }

  // Keyboard shortcuts (? lists them). Never while typing in a field, or with a modifier.

  var shortcuts = document.getElementById("shortcuts");
  var selectedRow = -1;
  function queueRows() {
    return Array.prototype.slice.call(document.querySelectorAll("#queue tbody tr[data-conversation]"));
  }
  function selectRow(index) {
    var rows = queueRows();
    if (!rows.length) return;
    selectedRow = Math.max(0, Math.min(rows.length - 1, index));
    rows.forEach(function (row, i) { row.classList.toggle("selected", i === selectedRow); });
    var link = rows[selectedRow].querySelector("th a");
    if (link) link.focus();
  }
  function pressPanelButton(action) {
    var form = document.querySelector('#conversation-panel form[action$="/' + action + '/"]');
    var button = form && form.querySelector("button[type=submit]");
    if (button) button.click();
    return !!button;
  }
  function typingInField(target) {
    return target && target.closest && target.closest("input, textarea, select, [contenteditable]");
  }
  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (typingInField(event.target)) return;
    if (shortcuts && shortcuts.open && event.key !== "?") return;
    var rows = queueRows();
    switch (event.key) {
      case "?":
        if (!shortcuts) return;
        if (shortcuts.open) shortcuts.close();
        else shortcuts.showModal();
        break;
      case "j":
        if (!rows.length) return;
        selectRow(selectedRow + 1);
        break;
      case "k":
        if (!rows.length) return;
        selectRow(selectedRow < 0 ? 0 : selectedRow - 1);
        break;
      case "c":
        if (rows.length && selectedRow >= 0 && rows[selectedRow]) {
          var claim = rows[selectedRow].querySelector('form[action$="/claim/"] button');
          if (!claim) return;
          claim.click();
        } else if (!pressPanelButton("claim")) {
          return;
        }
        break;
      case "e":
        if (!pressPanelButton("resolve")) return;
        break;
      case "r":
        var box = document.getElementById("reply-text");
        if (!box) return;
        box.focus();
        break;
      case "u":
        if (!document.getElementById("conversation-panel")) return;
        location.href = "/inbox/";
        break;
      default:
        return;
    }
    event.preventDefault();
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    // The queue was redrawn: keep the selection on the same row number.
    if (event.detail.target && event.detail.target.id === "queue" && selectedRow >= 0) {
      var rows = queueRows();
      if (rows[selectedRow]) rows[selectedRow].classList.add("selected");
    }
  });

  localiseTimes(document);
  tickElapsed();
  setInterval(tickElapsed, 1000);
  connect();
})();
