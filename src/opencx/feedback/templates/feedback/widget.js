/* OpenCX in-app survey widget. Embed with
 *   <script src="https://cx.example/feedback/widget.js" data-token="TOKEN" async></script>
 * where TOKEN comes from POST /api/feedback/surveys/{key}/invitations with channel "link"
 * (your backend asks; the token is the credential). Draws the score scale, stores a click at
 * once, then asks for a comment. No cookies, no third-party code; text is set as textContent.
 */
(function () {
  var script = document.currentScript;
  if (!script || !script.dataset.token) { return; }
  var base = new URL(script.src).origin;
  var token = encodeURIComponent(script.dataset.token);
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) { node.textContent = text; }
    return node;
  }
  function send(answers, finish) {
    return fetch(base + "/r/" + token + "/answers", {
      method: "POST", headers: { "Content-Type": "text/plain" },
      body: JSON.stringify({ answers: answers, finish: finish })
    }).then(function (r) { return r.json(); });
  }
  fetch(base + "/r/" + token + "/survey.json").then(function (r) { return r.json(); }).then(function (s) {
    if (s.error || s.completed || !s.scale) { return; }
    var box = el("div", { "class": "opencx-widget", role: "dialog", "aria-label": s.question,
      style: "position:fixed;bottom:16px;right:16px;max-width:360px;background:#fff;color:#1d2733;" +
             "border:1px solid #ccd;border-radius:8px;padding:12px;font:14px system-ui;z-index:99999" });
    box.appendChild(el("p", { style: "margin:0 0 8px;font-weight:600" }, s.question));
    var row = el("div", { role: "group", style: "display:flex;flex-wrap:wrap;gap:4px" });
    var answers = {};
    for (var n = s.scale[0]; n <= s.scale[1]; n++) {
      (function (score) {
        var b = el("button", { type: "button", "aria-label": String(score),
          style: "min-width:28px;padding:4px;border:1px solid #889;border-radius:4px;background:#f5f7fa" }, String(score));
        b.addEventListener("click", function () {
          answers[s.key] = score;
          send(answers, false).then(function () { ask(); });
        });
        row.appendChild(b);
      })(n);
    }
    box.appendChild(row);
    box.appendChild(el("div", { style: "display:flex;justify-content:space-between;font-size:11px;color:#667" }));
    box.lastChild.appendChild(el("span", {}, s.low));
    box.lastChild.appendChild(el("span", {}, s.high));
    function ask() {
      box.textContent = "";
      var label = el("label", { style: "display:block" }, s.comment);
      var text = el("textarea", { rows: "3", style: "width:100%;box-sizing:border-box", maxlength: "5000" });
      label.appendChild(text);
      var submit = el("button", { type: "button", style: "margin-top:6px" }, s.submit);
      submit.addEventListener("click", function () {
        var key = Object.keys(answers)[0];
        var all = {}; all[key] = answers[key];
        var follow = s.followups[String(answers[key])];
        if (text.value.trim() && follow) { all[follow] = text.value; }
        send(all, true).then(function () { box.textContent = ""; box.appendChild(el("p", {}, s.thanks)); });
      });
      box.appendChild(label);
      box.appendChild(submit);
      text.focus();
    }
    document.body.appendChild(box);
  });
})();
