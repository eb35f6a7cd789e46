/* Imbuto website chat widget (no framework, no dependencies).
 *
 *   <script src="https://imbuto.example.com/chat/widget.js" data-imbuto-chat async></script>
 *
 * Optional attributes: data-lang="it|en", data-title="…", data-color="#2952cc".
 * Draws a chat bubble and window inside a shadow root (the host page's CSS cannot break it), talks to
 * Imbuto's /chat/ endpoints cross-origin (the site must be allowed: Chats > Allowed sites, or
 * IMBUTO_CHAT_ALLOWED_ORIGINS; a site that is not gets the server's explanation and no retries), keeps the
 * conversation id in localStorage and polls for replies every 2.5 s while the window is open.
 * Everything that comes from the server is inserted as text, never as HTML.
 */
(function () {
  "use strict";
  var script = document.currentScript || document.querySelector("script[data-imbuto-chat]");
  if (!script || window.__imbutoChat) { return; }
  window.__imbutoChat = true;
  var base = script.src.replace(/\/chat\/widget\.js(\?.*)?$/, "");
  var lang = (script.getAttribute("data-lang") || navigator.language || "en").slice(0, 2).toLowerCase();
  lang = lang === "it" ? "it" : "en";
  var TEXT = {
    en: {open: "Chat with us", close: "Close the chat", title: "Chat with us", placeholder: "Write a message…",
      send: "Send", ended: "This conversation has ended.", restart: "Start a new conversation",
      error: "Connection problem. Retrying…", slow: "Too many messages. Please wait a moment.",
      you: "You", assistant: "Assistant", label: "Your message"},
    it: {open: "Scrivici in chat", close: "Chiudi la chat", title: "Scrivici", placeholder: "Scrivi un messaggio…",
      send: "Invia", ended: "La conversazione è terminata.", restart: "Inizia una nuova conversazione",
      error: "Problema di connessione. Riprovo…", slow: "Troppi messaggi. Attendi un momento.",
      you: "Tu", assistant: "Assistente", label: "Il tuo messaggio"}
  }[lang];
  var color = /^#[0-9a-fA-F]{3,8}$/.test(script.getAttribute("data-color") || "") ?
    script.getAttribute("data-color") : "#2952cc";
  var storeKey = "imbuto-chat:" + base;
  var OPEN_POLL = 2500;
  var IDLE_POLL = 10000;
  var state = {id: null, last: 0, open: false, status: null, busy: false, seen: {}, timer: null,
    refused: false};
  try { state.id = window.localStorage.getItem(storeKey); } catch (e) { state.id = null; }

  var CSS = ":host{all:initial}" +
    "*{box-sizing:border-box;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}" +
    ".bubble{position:fixed;right:20px;bottom:20px;width:58px;height:58px;border-radius:50%;border:0;" +
    "background:" + color + ";color:#fff;font-size:26px;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25);" +
    "z-index:2147483646}" +
    ".bubble .icon{display:block;margin:auto}" +
    ".bubble .dot{position:absolute;top:6px;right:6px;width:12px;height:12px;border-radius:50%;background:#e5484d}" +
    ".panel{position:fixed;right:20px;bottom:90px;width:360px;max-width:calc(100vw - 24px);height:520px;" +
    "max-height:calc(100vh - 110px);display:flex;flex-direction:column;background:#fff;color:#1d2433;" +
    "border-radius:14px;box-shadow:0 10px 40px rgba(0,0,0,.25);overflow:hidden;z-index:2147483647;font-size:15px}" +
    ".panel[hidden],.bubble .dot[hidden],[hidden]{display:none!important}" +
    "header{display:flex;align-items:center;justify-content:space-between;padding:12px 14px;background:" + color +
    ";color:#fff;font-weight:600}" +
    "header button{background:none;border:0;color:#fff;font-size:22px;cursor:pointer;line-height:1}" +
    ".log{flex:1;overflow-y:auto;padding:12px;margin:0;list-style:none;background:#f5f7fb}" +
    ".msg{max-width:85%;margin:0 0 8px;padding:8px 11px;border-radius:12px;white-space:pre-wrap;" +
    "word-wrap:break-word;line-height:1.4}" +
    ".msg .who{display:block;font-size:11px;opacity:.7;margin-bottom:2px}" +
    ".msg.visitor{margin-left:auto;background:" + color + ";color:#fff;border-bottom-right-radius:4px}" +
    ".msg.bot,.msg.agent{background:#fff;border:1px solid #dde2ea;border-bottom-left-radius:4px}" +
    ".msg.agent{border-color:" + color + "}" +
    ".quick{display:flex;flex-wrap:wrap;gap:6px;padding:8px 12px 0;background:#fff}" +
    ".quick button{border:1px solid " + color + ";color:" + color + ";background:#fff;border-radius:16px;" +
    "padding:5px 11px;cursor:pointer;font-size:13px}" +
    "form{display:flex;gap:8px;padding:10px 12px;border-top:1px solid #e6e9ef;background:#fff}" +
    "textarea{flex:1;resize:none;height:42px;padding:9px 10px;border:1px solid #c9cfd9;border-radius:10px;font-size:14px}" +
    "form button{border:0;border-radius:10px;background:" + color + ";color:#fff;padding:0 14px;font-weight:600;" +
    "cursor:pointer}form button[disabled]{opacity:.5}" +
    ".notice{padding:6px 12px;font-size:13px;color:#8a4b00;background:#fff6e5}" +
    ".ended{padding:10px 12px;text-align:center;background:#fff;border-top:1px solid #e6e9ef}" +
    ".ended button{margin-top:6px;border:0;background:" + color + ";color:#fff;border-radius:8px;padding:6px 12px;" +
    "cursor:pointer}.vh{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}";

  var host = document.createElement("div");
  host.id = "imbuto-chat";
  var root = host.attachShadow({mode: "open"});

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  root.appendChild(el("style", {}, CSS));
  var bubble = el("button", {"class": "bubble", type: "button", "aria-label": TEXT.open,
    "aria-expanded": "false", "data-imbuto-chat-open": ""});
  // A drawn speech balloon, not an emoji: a site's visitors may have no emoji font (a box is drawn).
  var SVG = "http://www.w3.org/2000/svg";
  var icon = document.createElementNS(SVG, "svg");
  [["viewBox", "0 0 24 24"], ["width", "28"], ["height", "28"], ["aria-hidden", "true"],
   ["focusable", "false"], ["class", "icon"]].forEach(function (a) { icon.setAttribute(a[0], a[1]); });
  var balloon = document.createElementNS(SVG, "path");
  balloon.setAttribute("d", "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z");
  balloon.setAttribute("fill", "currentColor");
  icon.appendChild(balloon);
  bubble.appendChild(icon);
  var dot = el("span", {"class": "dot", hidden: ""});
  bubble.appendChild(dot);
  var panel = el("section", {"class": "panel", role: "dialog", "aria-label": TEXT.title, hidden: ""});
  var header = el("header", {}, "");
  header.appendChild(el("span", {}, script.getAttribute("data-title") || TEXT.title));
  var closeBtn = el("button", {type: "button", "aria-label": TEXT.close}, "×");
  header.appendChild(closeBtn);
  var log = el("ol", {"class": "log", role: "log", "aria-live": "polite"});
  var notice = el("div", {"class": "notice", role: "status", hidden: ""});
  var quick = el("div", {"class": "quick"});
  var form = el("form", {});
  var inputId = "imbuto-chat-input";
  form.appendChild(el("label", {"class": "vh", "for": inputId}, TEXT.label));
  var input = el("textarea", {id: inputId, name: "text", maxlength: "1000", placeholder: TEXT.placeholder,
    rows: "1"});
  var sendBtn = el("button", {type: "submit"}, TEXT.send);
  form.appendChild(input);
  form.appendChild(sendBtn);
  var ended = el("div", {"class": "ended", hidden: ""});
  ended.appendChild(el("div", {}, TEXT.ended));
  var restart = el("button", {type: "button"}, TEXT.restart);
  ended.appendChild(restart);
  [header, log, notice, quick, form, ended].forEach(function (n) { panel.appendChild(n); });
  root.appendChild(bubble);
  root.appendChild(panel);


  function addMessage(m) {
    if (state.seen[m.id]) { return; }
    state.seen[m.id] = true;
    state.last = Math.max(state.last, m.id);
    var li = el("li", {"class": "msg " + m.sender, "data-id": String(m.id)});
    var who = m.sender === "visitor" ? TEXT.you : (m.sender === "agent" ? (m.name || "") : TEXT.assistant);
    if (who) { li.appendChild(el("span", {"class": "who"}, who)); }
    li.appendChild(document.createTextNode(m.text));
    log.appendChild(li);
    if (!state.open && m.sender !== "visitor") { dot.hidden = false; }
  }

  function apply(payload) {
    if (!payload || !payload.session) { return; }
    (payload.messages || []).forEach(addMessage);
    log.scrollTop = log.scrollHeight;
    state.status = payload.status;
    quick.textContent = "";
    (payload.quick_replies || []).forEach(function (q) {
      var b = el("button", {type: "button", "data-value": q.value}, q.label);
      b.addEventListener("click", function () { send(q.label, q.value); });
      quick.appendChild(b);
    });
    var closed = payload.status === "closed";
    form.hidden = closed;
    quick.hidden = closed || !(payload.quick_replies || []).length;
    ended.hidden = !closed;
  }

  function forget() {
    state.id = null; state.last = 0; state.seen = {}; state.status = null;
    log.textContent = "";
    try { window.localStorage.removeItem(storeKey); } catch (e) { /* private mode */ }
  }

  function request(method, path, body) {
    var options = {method: method, credentials: "omit", headers: {"Accept": "application/json"}};
    if (body) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    if (state.refused) { return Promise.reject(new Error("refused")); }
    return fetch(base + path, options).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (response.status === 403 && data.error && data.error.code === "origin_not_allowed") {
          refuse(data.error.message);
          throw new Error("refused");
        }
        return {status: response.status, data: data};
      });
    });
  }

  /* This site may not show the chat: say why (the server's words, for the site's owner) and stop
     every request and timer for good; retrying cannot help until an admin adds the site. */
  function refuse(message) {
    state.refused = true;
    clearTimeout(state.timer);
    form.hidden = true; quick.hidden = true; ended.hidden = true;
    notice.className = "notice refused";
    notice.textContent = message || TEXT.error;
    notice.hidden = false;
    if (window.console) { window.console.warn("Imbuto chat: " + notice.textContent); }
  }

  function say(text) {
    if (state.refused) { return; }
    notice.textContent = text || ""; notice.hidden = !text;
  }

  function start() {
    state.busy = true;
    return request("POST", "/chat/sessions", {page_url: window.location.href.slice(0, 500), language: lang})
      .then(function (r) {
        if (r.status === 201) {
          state.id = r.data.session;
          try { window.localStorage.setItem(storeKey, state.id); } catch (e) { /* private mode */ }
          say("");
          apply(r.data);
        } else { say(r.status === 429 ? TEXT.slow : TEXT.error); }
      }).catch(function () { say(TEXT.error); })
      .then(function () { state.busy = false; });
  }

  function messagesPath() { return "/chat/sessions/" + encodeURIComponent(state.id) + "/messages"; }

  function poll() {
    if (!state.id || state.busy) { return Promise.resolve(); }
    return request("GET", messagesPath() + "?after=" + state.last).then(function (r) {
      if (r.status === 404) { forget(); if (state.open) { return start(); } return null; }
      if (r.status === 200) { say(""); apply(r.data); }
      return null;
    }).catch(function () { say(TEXT.error); });
  }

  function send(text, value) {
    text = (text || "").trim();
    if (!text || state.busy) { return; }
    if (!state.id) { start().then(function () { if (state.id) { send(text, value); } }); return; }
    state.busy = true;
    sendBtn.disabled = true;
    request("POST", messagesPath(), {text: text.slice(0, 1000), value: value || "", after: state.last})
      .then(function (r) {
        if (r.status === 200) { say(""); input.value = ""; apply(r.data); }
        else if (r.status === 404) { forget(); state.busy = false; return start(); }
        else if (r.status === 409) { state.busy = false; return poll(); }
        else if (r.status === 429) { say(TEXT.slow); }
        else { say((r.data.error && r.data.error.message) || TEXT.error); }
        return null;
      }).catch(function () { say(TEXT.error); })
      .then(function () { state.busy = false; sendBtn.disabled = false; });
  }

  function schedule() {
    clearTimeout(state.timer);
    if (!state.id || state.refused) { return; }
    state.timer = setTimeout(function () { poll().then(schedule); }, state.open ? OPEN_POLL : IDLE_POLL);
  }

  function setOpen(open) {
    state.open = open;
    panel.hidden = !open;
    bubble.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) {
      dot.hidden = true;
      (state.id ? poll() : start()).then(function () { schedule(); input.focus(); });
    } else {
      schedule();
    }
  }

  bubble.addEventListener("click", function () { setOpen(!state.open); });
  closeBtn.addEventListener("click", function () { setOpen(false); bubble.focus(); });
  form.addEventListener("submit", function (event) { event.preventDefault(); send(input.value); });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); send(input.value); }
  });
  restart.addEventListener("click", function () { forget(); start().then(schedule); });

  function mount() {
    document.body.appendChild(host);
    if (state.id) { poll().then(schedule); }
  }
  if (document.body) { mount(); } else { document.addEventListener("DOMContentLoaded", mount); }
}());
