// The moderators' workspace: keys (j/k move, a approve, r reject, b ban, x select, o open,
// ? help), decisions without a page load, and queue counts refreshed every 15 seconds.
// Without this script every form still works as a plain POST.
(function () {
  "use strict";

  var list = document.getElementById("ws-items");
  var live = document.getElementById("ws-live");
  var help = document.getElementById("ws-help");
  var sanctionDialog = document.getElementById("ws-sanction");
  var tabs = document.querySelector(".ws-tabs");
  var current = null;

  function items() {
    return list ? Array.prototype.slice.call(list.querySelectorAll(".ws-item")) : [];
  }

  function select(item, focus) {
    if (current) {
      current.classList.remove("ws-item--selected");
      current.removeAttribute("aria-current");
    }
    current = item || null;
    if (!current) return;
    current.classList.add("ws-item--selected");
    current.setAttribute("aria-current", "true");
    if (focus !== false) {
      current.focus({ preventScroll: true });
      current.scrollIntoView({ block: "nearest" });
    }
  }

  function move(step) {
    var all = items();
    if (!all.length) return;
    var index = all.indexOf(current);
    index = index < 0 ? 0 : Math.min(all.length - 1, Math.max(0, index + step));
    select(all[index]);
  }

  function announce(text) {
    if (live && text) live.textContent = text;
  }

  function showMessage(item, text) {
    var slot = item && item.querySelector(".ws-item__message");
    if (!slot) return;
    slot.textContent = text;
    slot.hidden = !text;
  }

  function updateCounts(counts) {
    if (!counts) return;
    Object.keys(counts).forEach(function (queue) {
      var badge = document.querySelector('.ws-count[data-count="' + queue + '"]');
      if (badge) badge.textContent = String(counts[queue]);
    });
  }

  function token(form) {
    var field = form.querySelector("[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  // Replace an item with its current state from the server (after someone else decided).
  function reload(item, message) {
    return fetch(item.dataset.fragmentUrl, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) {
        if (!html) return;
        var holder = document.createElement("template");
        holder.innerHTML = html.trim();
        var fresh = holder.content.querySelector(".ws-item");
        if (!fresh) return;
        var wasCurrent = item === current;
        item.replaceWith(fresh);
        showMessage(fresh, message || "");
        if (wasCurrent) select(fresh);
      });
  }

  function removeItem(item) {
    var all = items();
    var index = all.indexOf(item);
    var next = all[index + 1] || all[index - 1] || null;
    item.remove();
    if (!items().length && list) {
      var empty = document.createElement("li");
      empty.className = "ws-empty";
      empty.textContent = list.dataset.emptyText || "";
      list.appendChild(empty);
    }
    if (item === current || !current) select(next);
  }

  function decide(form) {
    var item = form.closest(".ws-item");
    var buttons = form.querySelectorAll("button");
    buttons.forEach(function (button) { button.disabled = true; });
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": token(form) },
    })
      .then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok, data: data }; });
      })
      .then(function (result) {
        var data = result.data;
        if (result.ok) {
          announce(data.message);
          updateCounts(data.counts);
          if (list && list.dataset.queue === "all") return reload(item, data.message);
          removeItem(item);
          return null;
        }
        announce(data.message);
        showMessage(item, data.message);
        poll();
        return reload(item, data.message);
      })
      .catch(function () {
        form.submit(); // not JSON (signed out?): let the page handle it
      })
      .finally(function () {
        buttons.forEach(function (button) { button.disabled = false; });
      });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches(".ws-approve, .ws-reject")) return;
    event.preventDefault();
    decide(form);
  });

  function openSanction(item) {
    if (!sanctionDialog || !item || !item.dataset.sanctionUrl) return;
    var form = sanctionDialog.querySelector("form");
    form.action = item.dataset.sanctionUrl;
    sanctionDialog.querySelector(".ws-sanction-name").textContent = item.dataset.authorName || "";
    var kind = form.querySelector("[name=kind]");
    if (kind) kind.value = "ban";
    sanctionDialog.showModal();
    var reason = form.querySelector("[name=reason]");
    if (reason) reason.focus();
  }

  document.addEventListener("click", function (event) {
    var close = event.target.closest(".ws-close");
    if (close) {
      var dialog = close.closest("dialog");
      if (dialog) dialog.close();
      return;
    }
    var item = event.target.closest(".ws-item");
    if (item && item !== current) select(item, false);
  });

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    var field = target.closest && target.closest("input, textarea, select, [contenteditable]");
    if (field) {
      if (field.classList.contains("ws-reason") && field.closest(".ws-item")) {
        if (event.key === "Enter") {
          event.preventDefault();
          field.form.requestSubmit();
        } else if (event.key === "Escape") {
          event.preventDefault();
          select(field.closest(".ws-item"));
        }
      }
      return;
    }
    if (document.querySelector("dialog[open]")) {
      if (event.key === "?" && help && help.open) {
        help.close();
        event.preventDefault();
      }
      return; // Esc closes dialogs natively
    }
    if (!current && "jkarbxo".indexOf(event.key) >= 0) move(0);
    var form;
    switch (event.key) {
      case "j": move(1); break;
      case "k": move(-1); break;
      case "a":
        form = current && current.querySelector(".ws-approve");
        if (form) form.requestSubmit();
        break;
      case "r":
        var reason = current && current.querySelector(".ws-reason");
        if (reason) reason.focus();
        break;
      case "b": openSanction(current); break;
      case "x":
        var box = current && current.querySelector(".ws-select input");
        if (box) box.checked = !box.checked;
        break;
      case "o":
        if (current && current.dataset.permalink) window.location.assign(current.dataset.permalink);
        break;
      case "?":
        if (help) help.showModal();
        break;
      default:
        return;
    }
    event.preventDefault();
  });

  function poll() {
    var url = tabs && tabs.dataset.countsUrl;
    if (!url || document.visibilityState !== "visible") return;
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) updateCounts(data.counts); })
      .catch(function () {});
  }

  // A comment in another language: its machine translation into the page's language,
  // from the same endpoint as the readers' "Show translation".
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".ws-translate");
    if (!button) return;
    var line = button.closest(".ws-language");
    var box = line && line.nextElementSibling;
    if (!box || !box.classList.contains("ws-translation")) return;
    if (box.dataset.loaded) {
      box.hidden = !box.hidden;
      return;
    }
    button.disabled = true;
    fetch(line.dataset.translationUrl, {
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    })
      .then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok, data: data }; });
      })
      .then(function (answer) {
        box.textContent = answer.ok
          ? answer.data.label + ": " + answer.data.text
          : (answer.data.error || button.dataset.failed);
        box.dataset.loaded = "1";
        box.hidden = false;
        button.textContent = button.dataset.hide;
      })
      .catch(function () { box.textContent = button.dataset.failed; box.hidden = false; })
      .finally(function () { button.disabled = false; });
  });

  if (tabs && tabs.dataset.countsUrl) window.setInterval(poll, 15000);
  if (items().length) select(items()[0], false);
})();
