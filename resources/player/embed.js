// The studio's embeddable player: hls.js on the playlist named by the page, with the
// wall-clock time of the frame on screen (from EXT-X-PROGRAM-DATE-TIME).
(function () {
  'use strict';
  var root = document.getElementById('player');
  var video = root.querySelector('video');
  var clock = root.querySelector('.clock');
  var notice = root.querySelector('.notice');
  var src = root.getAttribute('data-src');
  var lowLatency = root.getAttribute('data-lowlatency') === '1';
  var hls = null;

  function say(text) {
    notice.textContent = text;
    notice.hidden = !text;
  }

  if (window.Hls && window.Hls.isSupported()) {
    // Low latency follows the playlist's PART-HOLD-BACK, playing up to 1.5x to catch up after a
    // stall; plain HLS stays two segments behind live (hls.js would keep three), safe on a LAN.
    hls = new window.Hls(lowLatency ? { lowLatencyMode: true, maxLiveSyncPlaybackRate: 1.5 } : { lowLatencyMode: false, liveSyncDurationCount: 2 });
    hls.on(window.Hls.Events.ERROR, function (_event, data) {
      if (!data.fatal) return;
      if (data.type === window.Hls.ErrorTypes.NETWORK_ERROR) {
        say('Waiting for the stream…');
        setTimeout(function () { hls.loadSource(src); }, 2000);
      } else if (data.type === window.Hls.ErrorTypes.MEDIA_ERROR) {
        hls.recoverMediaError();
      } else {
        say('This stream cannot be played here: ' + data.details);
      }
    });
    hls.on(window.Hls.Events.MANIFEST_PARSED, function () { say(''); });
    hls.loadSource(src);
    hls.attachMedia(video);
  } else if (video.canPlayType('application/vnd.apple.mpegurl')) {
    video.src = src; // Safari and iOS play HLS natively
  } else {
    say('This browser cannot play HLS.');
  }

  setInterval(function () {
    var date = hls && hls.playingDate;
    clock.textContent = date ? date.toLocaleString() : '';
  }, 250);

  // For tests and for pages that embed the player and want to drive it.
  window.framehousePlayer = { video: video, hls: hls };
})();
