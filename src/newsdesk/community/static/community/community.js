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
            while (list && list.firstElementChild) { target.appendChild(list.firstElementChild); }
            var more = holder.querySelector(".community__more");
            if (more) { link.parentNode.replaceWith(more); } else { link.parentNode.remove(); }
          });
      });
    });
  }
  document.querySelectorAll(".community").forEach(enhance);
  var highlight = document.querySelector("[data-highlight]");
  if (highlight) {
    var item = document.getElementById("c-" + highlight.dataset.highlight);
    if (item) { item.classList.add("comment--highlight"); }
  }
})();
