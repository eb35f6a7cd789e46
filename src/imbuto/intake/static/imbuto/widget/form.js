/* Imbuto embeddable web form (no framework, no dependencies).
 *
 *   <div data-imbuto-form="FORM_KEY"></div>
 *   <script src="https://imbuto.example.com/f/embed.js" async></script>
 *
 * The script asks Imbuto for the form (CORS, the site must be in the form's allowed origins), draws
 * it, and posts it back as JSON with the page address and the page's utm_* parameters. When the
 * form cannot be fetched it falls back to an iframe of the standalone form page.
 * Everything that comes from the server is inserted as text, never as HTML.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) { return; }
  var base = script.src.replace(/\/f\/embed\.js(\?.*)?$/, "");
  var UTM = ["utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"];
  var CSS = ".imbuto-form{display:block;max-width:34rem;font:inherit}" +
    ".imbuto-form .if-field{margin:0 0 .85rem}" +
    ".imbuto-form label{display:block;font-weight:600;margin-bottom:.25rem}" +
    ".imbuto-form .if-consent{display:flex;gap:.5rem;align-items:flex-start;font-weight:400}" +
    ".imbuto-form input[type=text],.imbuto-form input[type=email],.imbuto-form input[type=tel]," +
    ".imbuto-form input[type=url],.imbuto-form select,.imbuto-form textarea{width:100%;box-sizing:border-box;" +
    "padding:.5rem .6rem;font:inherit;border:1px solid #b9c0cc;border-radius:6px}" +
    ".imbuto-form textarea{min-height:6rem}" +
    ".imbuto-form .if-error{color:#b3261e;font-size:.9em;margin:.2rem 0 0}" +
    ".imbuto-form .if-alert{color:#b3261e;border:1px solid #b3261e;padding:.5rem .7rem;border-radius:6px;" +
    "margin:0 0 .8rem}" +
    ".imbuto-form .if-hp{position:absolute!important;left:-10000px!important;width:1px;height:1px;overflow:hidden}" +
    ".imbuto-form button{font:inherit;font-weight:600;padding:.6rem 1.2rem;border:0;border-radius:6px;" +
    "background:#2952cc;color:#fff;cursor:pointer}.imbuto-form button[disabled]{opacity:.6}";

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (attrs[name] !== null && attrs[name] !== undefined && attrs[name] !== false) {
        node.setAttribute(name, attrs[name] === true ? "" : String(attrs[name]));
      }
    });
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function pageParams() {
    var out = {};
    try {
      var params = new URLSearchParams(window.location.search);
      UTM.forEach(function (k) { if (params.get(k)) { out[k] = params.get(k).slice(0, 100); } });
    } catch (e) { /* old browser: no utm */ }
    out.page_url = window.location.href.slice(0, 500);
    out.referrer = (document.referrer || "").slice(0, 500);
    return out;
  }

  function language(node) {
    var lang = node.getAttribute("data-lang") || document.documentElement.lang || navigator.language || "en";
    return lang.slice(0, 2).toLowerCase();
  }

  function formUrl(key) { return base + "/f/" + encodeURIComponent(key); }

  function iframeFallback(node, key, lang) {
    var params = pageParams();
    var query = "?embed=1&lang=" + encodeURIComponent(lang);
    UTM.concat(["page_url"]).forEach(function (k) {
      if (params[k]) { query += "&" + k + "=" + encodeURIComponent(params[k]); }
    });
    node.textContent = "";
    node.appendChild(el("iframe", {
      src: formUrl(key) + query, title: node.getAttribute("data-title") || "Form",
      style: "width:100%;min-height:640px;border:0", loading: "lazy"
    }));
  }

  function fieldInput(f) {
    var id = "imbuto-" + Math.random().toString(36).slice(2) + "-" + f.name;
    var input;
    if (f.type === "textarea") {
      input = el("textarea", {id: id, name: f.name, maxlength: f.max_length, required: f.required});
    } else if (f.type === "select") {
      input = el("select", {id: id, name: f.name, required: f.required});
      input.appendChild(el("option", {value: ""}, "—"));
      f.choices.forEach(function (c) { input.appendChild(el("option", {value: c[0]}, c[1])); });
    } else {
      input = el("input", {id: id, type: f.type, name: f.name, maxlength: f.max_length,
        autocomplete: f.autocomplete || null, required: f.required});
    }
    return input;
  }

  function render(node, schema, lang) {
    if (!document.getElementById("imbuto-form-css")) {
      document.head.appendChild(el("style", {id: "imbuto-form-css"}, CSS));
    }
    var token = schema.token;
    var texts = schema.texts;
    var form = el("form", {"class": "imbuto-form", novalidate: true, "data-imbuto-key": schema.key});
    var alertBox = el("div", {"class": "if-alert", role: "alert", hidden: true});
    form.appendChild(alertBox);
    var inputs = {};
    var errors = {};
    schema.fields.forEach(function (f) {
      var wrap = el("div", {"class": "if-field"});
      var input = fieldInput(f);
      var label = el("label", {"for": input.id}, f.label + (f.required ? " *" : ""));
      wrap.appendChild(label);
      wrap.appendChild(input);
      errors[f.name] = el("p", {"class": "if-error", hidden: true});
      wrap.appendChild(errors[f.name]);
      inputs[f.name] = input;
      form.appendChild(wrap);
    });
    var consentWrap = el("div", {"class": "if-field"});
    var consentLabel = el("label", {"class": "if-consent"});
    var consent = el("input", {type: "checkbox", name: "consent", value: "1", required: true});
    consentLabel.appendChild(consent);
    consentLabel.appendChild(el("span", {}, schema.consent_text));
    consentWrap.appendChild(consentLabel);
    errors.consent = el("p", {"class": "if-error", hidden: true});
    consentWrap.appendChild(errors.consent);
    form.appendChild(consentWrap);
    var hpWrap = el("div", {"class": "if-hp", "aria-hidden": "true"});
    var hp = el("input", {type: "text", name: schema.honeypot_field, tabindex: "-1", autocomplete: "off"});
    hpWrap.appendChild(hp);
    form.appendChild(hpWrap);
    var button = el("button", {type: "submit"}, texts.submit);
    form.appendChild(button);

    function showErrors(fields, message) {
      Object.keys(errors).forEach(function (k) { errors[k].hidden = true; errors[k].textContent = ""; });
      var general = [];
      Object.keys(fields || {}).forEach(function (k) {
        if (errors[k]) { errors[k].textContent = fields[k].join(" "); errors[k].hidden = false; }
        else { general = general.concat(fields[k]); }
      });
      if (!general.length && message && !Object.keys(fields || {}).length) { general = [message]; }
      alertBox.textContent = general.join(" ");
      alertBox.hidden = !general.length;
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var data = pageParams();
      Object.keys(inputs).forEach(function (k) { data[k] = inputs[k].value; });
      data.consent = consent.checked ? "1" : "";
      data[schema.honeypot_field] = hp.value;
      data[schema.token_field] = token;
      data.lang = lang;
      button.disabled = true;
      button.textContent = texts.sending;
      fetch(schema.action, {
        method: "POST", credentials: "omit", body: JSON.stringify(data),
        headers: {"Content-Type": "application/json", "Accept": "application/json"}
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          if (response.ok && body.ok) {
            if (schema.thank_you_url) { window.location.href = schema.thank_you_url; return; }
            var done = el("p", {"class": "imbuto-thanks", role: "status"}, texts.thanks);
            form.replaceWith(done);
            return;
          }
          if (body.token) { token = body.token; }
          var err = body.error || {};
          if (response.status === 429) { showErrors({}, texts.rate_limited); }
          else { showErrors(err.fields, err.message || texts.error); }
        });
      }).catch(function () {
        showErrors({}, texts.error);
      }).then(function () {
        button.disabled = false;
        button.textContent = texts.submit;
      });
    });
    node.textContent = "";
    node.appendChild(form);
  }

  function init(node) {
    if (node.getAttribute("data-imbuto-ready")) { return; }
    node.setAttribute("data-imbuto-ready", "1");
    var key = node.getAttribute("data-imbuto-form");
    var lang = language(node);
    fetch(formUrl(key) + "?lang=" + encodeURIComponent(lang), {
      credentials: "omit", headers: {"Accept": "application/json"}
    }).then(function (response) {
      if (response.status === 403) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          var err = body.error || {};
          if (err.code !== "origin_not_allowed") { throw new Error("form 403"); }
          /* This site may not show the form: say why where the form would be, and stop. */
          node.textContent = "";
          node.appendChild(el("p", {"class": "if-error imbuto-refused", role: "alert"}, err.message));
          if (window.console) { window.console.warn("Imbuto form: " + err.message); }
          return null;
        });
      }
      if (!response.ok) { throw new Error("form " + response.status); }
      return response.json().then(function (schema) { render(node, schema, lang); });
    }).catch(function () {
      iframeFallback(node, key, lang);
    });
  }

  function boot() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-imbuto-form]"), init);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", boot); }
  else { boot(); }
}());
