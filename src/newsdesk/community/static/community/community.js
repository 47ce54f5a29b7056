/* Progressive enhancement of the comment section: CSRF for the shared thread's forms,
   reply in place, "load more" without a page load. Everything works without it, too. */
(function () {
  "use strict";
  function cookie(name) {
    var match = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return match ? decodeURIComponent(match[1]) : "";
  }
  function enhance(root) {
    var section = root.closest ? (root.closest(".community") || root) : root;
    var loggedIn = section.dataset && section.dataset.user;
    root.querySelectorAll(".comment__vote").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!loggedIn) {
          event.preventDefault();
          var login = document.querySelector(".community__login a");
          if (login) { window.location.href = login.href; }
          return;
        }
        form.querySelector("[name=csrfmiddlewaretoken]").value = cookie("csrftoken");
      });
    });
    root.querySelectorAll(".comment__reply[data-reply]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        var form = document.querySelector(".community > .community__form");
        if (!form) { return; }
        event.preventDefault();
        form.querySelector("[name=parent]").value = link.dataset.reply;
        var note = form.querySelector(".community__reply-note");
        var author = link.closest(".comment").querySelector(".comment__author");
        note.textContent = (document.documentElement.lang === "de" ? "Antwort an " : "Reply to ") +
          (author ? author.textContent : "");
        note.hidden = false;
        link.closest("article").after(form);
        form.querySelector("textarea").focus();
      });
    });
    if (loggedIn) {
      root.querySelectorAll(".comment[data-author='" + loggedIn + "'] > article .comment__vote").forEach(
        function (form) { form.hidden = true; });
    }
    root.querySelectorAll(".community__more a[data-fragment]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        fetch(link.dataset.fragment, { credentials: "same-origin" })
          .then(function (response) { return response.text(); })
          .then(function (html) {
            var holder = document.createElement("div");
            holder.innerHTML = html;
            var list = holder.querySelector(".community__thread");
            var target = link.closest(".community").querySelector(".community__thread");
            enhance(holder);
            showOwnControls(link.closest(".community"), holder);
            while (list && list.firstElementChild) { target.appendChild(list.firstElementChild); }
            var more = holder.querySelector(".community__more");
            if (more) { link.parentNode.replaceWith(more); } else { link.parentNode.remove(); }
          });
      });
    });
  }
  // Edit and delete of the reader's own comments, in place. The thread's HTML is the same
  // for every reader (cached): the section says who reads (data-user, data-editable), or the
  // widget's frame asks (data-reader); the server decides again on every change.
  function showOwnControls(section, root) {
    var me = section.dataset.user;
    if (!me || !/^[0-9]+$/.test(me) || section.classList.contains("community--permalink")) { return; }
    var editable = (section.dataset.editable || "").split(" ");
    root.querySelectorAll(".comment[data-author='" + me + "'] > article > .comment__actions").forEach(
      function (actions) {
        if (actions.querySelector(".comment__own")) { return; }
        var id = actions.closest(".comment").id.replace("c-", "");
        var own = document.createElement("span");
        own.className = "comment__own";
        if (editable.indexOf(id) >= 0) {
          var edit = document.createElement("button");
          edit.type = "button";
          edit.className = "comment__edit";
          edit.dataset.edit = id;
          edit.textContent = section.dataset.labelEdit;
          own.append(edit, " ");
        }
        var remove = document.createElement("span");
        remove.className = "comment__delete";
        remove.dataset.delete = id;
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = section.dataset.labelDelete;
        remove.append(button);
        own.append(remove);
        actions.append(own);
      });
  }
  function callApi(section, method, id, body) {
    var headers = { "Accept": "application/json" };
    if (body) { headers["Content-Type"] = "application/json"; }
    if (method !== "GET") { headers["X-CSRFToken"] = section.dataset.csrf || cookie("csrftoken"); }
    return fetch("/api/community/comments/" + id, {
      method: method, credentials: "same-origin", headers: headers,
      body: body ? JSON.stringify(body) : undefined
    }).then(function (response) {
      if (response.status === 204) { return { ok: true, data: {} }; }
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    });
  }
  function showError(article, message) {
    var error = article.querySelector(".comment__own-error");
    if (!error) {
      error = document.createElement("p");
      error.className = "comment__own-error community__error";
      error.setAttribute("role", "alert");
      article.appendChild(error);
    }
    error.textContent = message;
  }
  function startEdit(section, link) {
    var article = link.closest("article");
    var text = article.querySelector(".comment__text");
    if (!text || article.querySelector(".comment__edit-form")) { return; }
    var template = section.querySelector(".community__edit-template");
    var form = template.content.firstElementChild.cloneNode(true);
    var area = form.querySelector("textarea");
    var error = form.querySelector(".comment__edit-error");
    function close() { form.remove(); text.hidden = false; link.focus(); }
    form.querySelector(".comment__edit-cancel").addEventListener("click", close);
    // A click, not the form's submit: the widget's frame is sandboxed without forms.
    form.querySelector("[type=submit]").addEventListener("click", function (event) {
      event.preventDefault();
      if (!area.reportValidity()) { return; }
      callApi(section, "PATCH", link.dataset.edit, { text: area.value }).then(function (answer) {
        if (!answer.ok) { error.textContent = answer.data.message || ""; error.hidden = false; return; }
        text.innerHTML = answer.data.html;
        var meta = article.querySelector(".comment__meta");
        if (meta && !meta.querySelector(".comment__edited")) {
          var edited = document.createElement("span");
          edited.className = "comment__edited";
          edited.textContent = section.dataset.edited;
          meta.append(" · ", edited);
        }
        close();
      });
    });
    text.hidden = true;
    text.after(form);
    callApi(section, "GET", link.dataset.edit).then(function (answer) {
      if (answer.ok && typeof answer.data.text === "string") { area.value = answer.data.text; }
      area.focus();
    });
  }
  function askToDelete(section, form) {
    // Asked in the page, not with confirm(): the widget's sandboxed frame has no dialogs.
    // (Buttons, not forms: the frame is sandboxed without forms, too.)
    if (form.querySelector(".comment__confirm")) { return; }
    var ask = document.createElement("span");
    ask.className = "comment__confirm";
    ask.setAttribute("role", "alert");
    ask.textContent = section.dataset.confirmDelete + " ";
    var yes = document.createElement("button");
    yes.type = "button";
    yes.className = "comment__confirm-yes";
    yes.textContent = section.dataset.confirmYes;
    var no = document.createElement("button");
    no.type = "button";
    no.textContent = section.dataset.confirmNo;
    ask.append(yes, " ", no);
    form.querySelector("button").hidden = true;
    form.append(ask);
    yes.addEventListener("click", function () { deleteComment(section, form); });
    no.addEventListener("click", function () {
      ask.remove();
      form.querySelector("button").hidden = false;
      form.querySelector("button").focus();
    });
    no.focus();
  }
  function deleteComment(section, form) {
    var article = form.closest("article");
    callApi(section, "DELETE", form.dataset.delete).then(function (answer) {
      if (!answer.ok) { showError(article, answer.data.message || ""); return; }
      var text = article.querySelector(".comment__text");
      var gone = document.createElement("p");
      gone.className = "comment__deleted";
      gone.textContent = section.dataset.deleted;
      if (text) { text.replaceWith(gone); }
      var actions = article.querySelector(".comment__actions");
      if (actions) { actions.remove(); }
      var edit = article.querySelector(".comment__edit-form");
      if (edit) { edit.remove(); }
    });
  }
  function ownComments(section) {
    section.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest(".comment__edit[data-edit]");
      if (link) { event.preventDefault(); startEdit(section, link); }
    });
    section.addEventListener("click", function (event) {
      var button = event.target.closest && event.target.closest(".comment__delete[data-delete] > button");
      if (button) { event.preventDefault(); askToDelete(section, button.parentElement); }
    });
    if (section.dataset.reader && !section.dataset.user) {
      fetch(section.dataset.reader, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : {}; })
        .then(function (reader) {
          if (!reader.profile) { return; }
          section.dataset.user = String(reader.profile);
          section.dataset.editable = (reader.editable || []).join(" ");
          section.dataset.csrf = reader.csrf_token || "";
          showOwnControls(section, section);
        })
        .catch(function () { /* the widget stays as for everyone */ });
    } else {
      showOwnControls(section, section);
    }
  }
  document.querySelectorAll(".community").forEach(enhance);
  document.querySelectorAll(".community").forEach(ownComments);
  var highlight = document.querySelector("[data-highlight]");
  if (highlight) {
    var item = document.getElementById("c-" + highlight.dataset.highlight);
    if (item) { item.classList.add("comment--highlight"); }
  }
})();
