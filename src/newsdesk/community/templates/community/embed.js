/* newsdesk comments widget: <script src="{{ site_url }}/community/embed.js" data-url="PAGE URL" data-lang="de" async></script> */
(function () {
  "use strict";
  var site = "{{ site_url|escapejs }}";
  var scripts = document.querySelectorAll("script[src^='" + site + "/community/embed.js']");
  Array.prototype.forEach.call(scripts, function (script) {
    if (script.dataset.newsdeskDone) { return; }
    script.dataset.newsdeskDone = "1";
    // The page's address: data-url, else its canonical link, else where it is (query
    // included: artikel.php?id=1 and ?id=2 are different pages); the server normalises it.
    var canonical = document.querySelector('link[rel="canonical"]');
    var url = script.dataset.url || (canonical && canonical.href) ||
      (location.origin + location.pathname + location.search);
    var frame = document.createElement("iframe");
    frame.src = site + "/community/embed/?url=" + encodeURIComponent(url) +
      "&lang=" + encodeURIComponent(script.dataset.lang || document.documentElement.lang || "") +
      "&title=" + encodeURIComponent(script.dataset.title || document.title || "");
    frame.title = script.dataset.frameTitle || "Comments";
    frame.style.width = "100%";
    frame.style.border = "0";
    frame.style.minHeight = "300px";
    frame.setAttribute("loading", "lazy");
    frame.setAttribute("referrerpolicy", "strict-origin");
    frame.setAttribute("sandbox", "allow-scripts allow-same-origin allow-popups allow-popups-to-escape-sandbox");
    script.parentNode.insertBefore(frame, script);
    window.addEventListener("message", function (event) {
      if (event.origin !== site || event.source !== frame.contentWindow) { return; }
      var height = event.data && event.data.newsdeskHeight;
      if (typeof height === "number" && height > 0 && height < 100000) {
        frame.style.height = height + "px";
      }
    });
  });
})();
