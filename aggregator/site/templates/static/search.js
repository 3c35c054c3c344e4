/* Search with the Pagefind index in ../pagefind/ (built with the site), over http(s) from any
   sub-path and from file://. Optional: without JavaScript the page says what to use instead.
   Result addresses are site-relative ("/" as Pagefind's base) and resolved against the site's root. */
(function () {
  "use strict";
  var script = document.currentScript;
  var form = document.getElementById("search-form");
  var input = document.getElementById("search-query");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  if (!script || !form || !input || !status || !list) { return; }
  var siteRoot = new URL("../", script.src);
  var query = new URLSearchParams(window.location.search).get("q") || "";
  input.value = query;

  function say(message) { status.textContent = message; }

  function excerptNodes(html) {
    /* Pagefind's excerpt is escaped text with <mark> around the hits: keep only those two. */
    var parsed = new DOMParser().parseFromString("<p>" + html + "</p>", "text/html").body;
    var nodes = [];
    parsed.querySelectorAll("p")[0].childNodes.forEach(function (node) {
      if (node.nodeName === "MARK") {
        var mark = document.createElement("mark");
        mark.textContent = node.textContent;
        nodes.push(mark);
      } else {
        nodes.push(document.createTextNode(node.textContent || ""));
      }
    });
    return nodes;
  }

  function show(results) {
    list.replaceChildren();
    results.forEach(function (result) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = new URL(result.url.replace(/^\//, ""), siteRoot).href;
      link.textContent = (result.meta && result.meta.title) || result.url;
      var excerpt = document.createElement("p");
      excerpt.replaceChildren.apply(excerpt, excerptNodes(result.excerpt || ""));
      item.append(link, excerpt);
      list.append(item);
    });
  }

  function loadPagefind() {
    /* Browsers load no modules from file://: there, a classic script with the index inside. */
    if (window.location.protocol !== "file:") { return import(new URL("pagefind/pagefind.js", siteRoot).href); }
    return new Promise(function (resolve, reject) {
      var bundle = document.createElement("script");
      bundle.src = new URL("pagefind/pagefind-file.js", siteRoot).href;
      bundle.onload = function () { return window.pagefindFromFile ? resolve(window.pagefindFromFile) : reject(new Error("no index")); };
      bundle.onerror = reject;
      document.head.append(bundle);
    });
  }

  if (!query.trim()) { say("Type words to find in the posts and sessions."); return; }
  say("Searching…");
  loadPagefind().then(function (pagefind) {
    return pagefind.options({ baseUrl: "/" }).then(function () {
      return pagefind.search(query);
    }).then(function (search) {
      return Promise.all(search.results.slice(0, 30).map(function (r) { return r.data(); }));
    });
  }).then(function (results) {
    say(results.length ? results.length + (results.length === 1 ? " result" : " results") + " for “" + query + "”." : "Nothing found for “" + query + "”.");
    show(results);
  }).catch(function () {
    say("Search is unavailable here: the index could not be loaded. Serve the folder over http(s) (aggregator serve), or use your browser's find in page.");
  });
}());
