// "Show translation" under each comment written in another language than the page's, when
// the engine can translate that language (data-from) into the page's.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) { return; }
  var pageLanguage = document.documentElement.lang;
  var endpoint = script.dataset.endpoint;
  var translatable = (script.dataset.from || "").split(" ");

  function urlFor(id) {
    return endpoint.replace("/0/", "/" + encodeURIComponent(id) + "/");
  }

  function toggle(item, id, button) {
    var shown = item.querySelector(":scope > article > .comment__translation");
    if (shown) {
      shown.hidden = !shown.hidden;
      button.textContent = shown.hidden ? script.dataset.show : script.dataset.hide;
      return;
    }
    button.disabled = true;
    fetch(urlFor(id), { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok, data: data }; });
      })
      .then(function (answer) {
        var box = document.createElement("div");
        box.className = "comment__translation";
        if (!answer.ok) {
          box.textContent = answer.data.error || script.dataset.failed;
        } else {
          box.setAttribute("lang", answer.data.language);
          var label = document.createElement("p");
          label.className = "comment__translation-label";
          label.textContent = answer.data.label || script.dataset.label;
          var text = document.createElement("p");
          text.className = "comment__translation-text";
          text.style.whiteSpace = "pre-line";
          text.textContent = answer.data.text;
          box.appendChild(label);
          box.appendChild(text);
          button.textContent = script.dataset.hide;
        }
        var actions = item.querySelector(":scope > article > .comment__actions");
        actions.parentNode.insertBefore(box, actions);
      })
      .catch(function () { button.textContent = script.dataset.failed; })
      .finally(function () { button.disabled = false; });
  }

  function enhance(root) {
    root.querySelectorAll("li.comment[lang]").forEach(function (item) {
      if (item.dataset.translation) { return; }
      item.dataset.translation = "ready";
      var language = item.getAttribute("lang");
      var actions = item.querySelector(":scope > article > .comment__actions");
      if (!language || language === pageLanguage || !actions) { return; }
      if (translatable.indexOf(language) < 0) { return; }
      var id = item.id.replace(/^c-/, "");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "comment__translate";
      button.textContent = script.dataset.show;
      button.addEventListener("click", function () { toggle(item, id, button); });
      actions.appendChild(button);
    });
  }

  function start() {
    enhance(document);
    // Threads loaded later ("more comments") get their buttons too.
    new MutationObserver(function () { enhance(document); })
      .observe(document.body, { childList: true, subtree: true });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
