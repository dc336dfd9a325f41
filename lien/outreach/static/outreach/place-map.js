/* The street-work map: places with recent activity as markers on the configured tiles.
   Loaded only when a tile server is set; the list beside the map holds the same figures. */
(function () {
  "use strict";
  var element = document.getElementById("place-map");
  var source = document.getElementById("place-markers");
  if (!element || !source || !window.L) {
    return;
  }
  var places = JSON.parse(source.textContent);
  var data = element.dataset;
  var map = L.map(element, { scrollWheelZoom: false });
  // The attribution is text from the settings: escaped, never read as markup.
  var attribution = document.createElement("span");
  attribution.textContent = data.attribution || "";
  L.tileLayer(data.tileUrl, { attribution: attribution.innerHTML, maxZoom: 19 }).addTo(map);
  var icon = L.icon({
    iconUrl: data.icon,
    iconRetinaUrl: data.icon2x,
    shadowUrl: data.shadow,
    iconSize: [25, 41],
    iconAnchor: [12, 41],
    popupAnchor: [1, -34],
    shadowSize: [41, 41]
  });
  var points = [];
  places.forEach(function (place) {
    var marker = L.marker([place.lat, place.lng], {
      icon: icon,
      title: place.name,
      alt: place.name,
      keyboard: true
    });
    var popup = document.createElement("div");
    var link = document.createElement("a");
    link.href = place.url;
    link.textContent = place.name;
    var summary = document.createElement("p");
    summary.textContent = place.summary;
    popup.appendChild(link);
    popup.appendChild(summary);
    marker.bindPopup(popup).addTo(map);
    points.push([place.lat, place.lng]);
  });
  if (points.length) {
    map.fitBounds(points, { padding: [24, 24], maxZoom: 16 });
  } else {
    map.setView([Number(data.lat), Number(data.lng)], 13);
  }
})();
