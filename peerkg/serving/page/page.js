// The query page: YASGUI on this server's endpoint, with the stored queries of /queries as a list;
// picking one opens it in its own tab. Nothing here talks to any other server.
(function () {
  "use strict";
  var endpoint = window.location.origin + "/sparql";
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    persistenceId: null,
    populateFromUrl: false,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } }
  });
  var tabs = {};

  function open(query) {
    var tab = tabs[query.name] && yasgui.getTab(tabs[query.name]);
    if (!tab) {
      tab = yasgui.addTab(true, Object.assign({}, Yasgui.Tab.getDefaults(), {
        name: query.name,
        requestConfig: Object.assign({}, yasgui.config.requestConfig, { endpoint: endpoint })
      }));
      tabs[query.name] = tab.getId();
    }
    yasgui.selectTabId(tab.getId());
    tab.setQuery(query.text);
    return tab;
  }

  function item(query) {
    var li = document.createElement("li");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "stored-query";
    button.dataset.name = query.name;
    button.textContent = query.name;
    button.addEventListener("click", function () { open(query); });
    var summary = document.createElement("span");
    summary.className = "summary";
    summary.textContent = query.summary;
    li.appendChild(button);
    li.appendChild(summary);
    if (query.parameters.length) {
      var params = document.createElement("span");
      params.className = "params";
      params.textContent = "parameters: " + query.parameters.map(function (p) {
        return p.name + " (" + p.type + ", default " + p.default + ")";
      }).join("; ") + " — edit the VALUES line, or call " + query.url + "?" + query.parameters[0].name + "=…";
      li.appendChild(params);
    }
    return li;
  }

  fetch("/queries", { headers: { Accept: "application/json" } })
    .then(function (response) { return response.json(); })
    .then(function (queries) {
      var list = document.getElementById("stored-queries");
      queries.forEach(function (query) { list.appendChild(item(query)); });
      document.body.dataset.ready = "true";
    });
})();
