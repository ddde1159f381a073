// The studio's embeddable player: hls.js on the playlist named by the page, with the
// wall-clock time of the frame on screen (from EXT-X-PROGRAM-DATE-TIME).
(function () {
  'use strict';
  var root = document.getElementById('player');
  var video = root.querySelector('video');
  var clock = root.querySelector('.clock');
  var notice = root.querySelector('.notice');
  var quality = root.querySelector('.quality');
  var src = root.getAttribute('data-src');
  var lowLatency = root.getAttribute('data-lowlatency') === '1';
  var whep = root.getAttribute('data-whep');
  var hls = null;
  var peer = null;

  function say(text) {
    notice.textContent = text;
    notice.hidden = !text;
  }

  /** Resolves once `pc` is connected (true), or failed or took longer than `ms` (false). */
  function connected(pc, ms) {
    return new Promise(function (resolve) {
      var timer = setTimeout(function () { resolve(false); }, ms);
      function check() {
        var state = pc.connectionState;
        if (state !== 'connected' && state !== 'failed' && state !== 'closed') return;
        clearTimeout(timer);
        pc.removeEventListener('connectionstatechange', check);
        resolve(state === 'connected');
      }
      pc.addEventListener('connectionstatechange', check);
      check();
    });
  }

  /**
   * WebRTC (WHEP): sub-second latency. Resolves true once connected; false when the
   * browser or the studio cannot, or ICE does not connect (UDP blocked), and HLS plays instead.
   */
  function playWebRtc() {
    if (!whep || !window.RTCPeerConnection) return Promise.resolve(false);
    var pc = new RTCPeerConnection();
    var media = new MediaStream();
    pc.addTransceiver('video', { direction: 'recvonly' });
    pc.addTransceiver('audio', { direction: 'recvonly' });
    pc.ontrack = function (event) {
      media.addTrack(event.track);
      if (video.srcObject !== media) video.srcObject = media;
      // Autoplay as HLS does: muted when the page asked for it, else the browser may wait for a click.
      if (video.autoplay) video.play().catch(function () { say('Click to play'); });
    };
    return pc.createOffer()
      .then(function (offer) { return pc.setLocalDescription(offer); })
      .then(function () { return fetch(whep, { method: 'POST', headers: { 'content-type': 'application/sdp' }, body: pc.localDescription.sdp }); })
      .then(function (res) {
        if (res.status !== 201) throw new Error('WHEP ' + res.status);
        root.setAttribute('data-session', res.headers.get('location') || '');
        return res.text();
      })
      .then(function (answer) { return pc.setRemoteDescription({ type: 'answer', sdp: answer }); })
      .then(function () { return connected(pc, 8000); })
      .then(function (ok) {
        if (!ok) throw new Error('WebRTC did not connect');
        peer = pc;
        if (window.framehousePlayer) window.framehousePlayer.peer = pc;
        root.setAttribute('data-transport', 'webrtc');
        pc.addEventListener('connectionstatechange', function () {
          // The publisher went (and may come back), or the network did: play again once the stream is there.
          if (peer === pc && (pc.connectionState === 'failed' || pc.connectionState === 'closed')) rejoin(pc);
        });
        return true;
      })
      .catch(function () {
        var session = root.getAttribute('data-session');
        if (session) fetch(session, { method: 'DELETE', keepalive: true }).catch(function () {});
        root.setAttribute('data-session', '');
        pc.close();
        return false;
      });
  }

  window.addEventListener('pagehide', function () {
    var session = root.getAttribute('data-session');
    if (session && peer) fetch(session, { method: 'DELETE', keepalive: true });
    if (peer) peer.close();
  });

  /** Tries WebRTC again every 2 s; after three tries that do not connect (the stream is gone, or cannot play over WebRTC here) HLS takes over, waiting as it does. */
  function rejoin(lost) {
    peer = null;
    lost.close();
    say('Waiting for the stream…');
    var tries = 0;
    (function again() {
      setTimeout(function () {
        playWebRtc().then(function (playing) {
          if (playing) say('');
          else if (++tries < 3) again();
          else {
            video.srcObject = null; // a stream object outranks the src hls.js sets
            playHls();
            window.framehousePlayer.hls = hls;
          }
        });
      }, 2000);
    })();
  }

  playWebRtc().then(function (playing) {
    if (!playing) playHls();
    window.framehousePlayer = { video: video, hls: hls, peer: peer };
  });

  function playHls() {
    root.setAttribute('data-transport', 'hls');
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
      hls.on(window.Hls.Events.MANIFEST_PARSED, function () {
        say('');
        showLevels();
      });
      // "Auto" names the variant hls.js chose; a pick by hand holds until Auto is chosen again.
      hls.on(window.Hls.Events.LEVEL_SWITCHED, function (_event, data) {
        if (!quality || quality.hidden) return;
        var level = hls.levels[data.level];
        quality.options[0].textContent = 'Auto' + (hls.autoLevelEnabled && level ? ' (' + levelName(level) + ')' : '');
        root.setAttribute('data-level', String(data.level));
      });
      if (quality) {
        quality.addEventListener('change', function () {
          hls.currentLevel = Number(quality.value);
        });
      }
      hls.loadSource(src);
      hls.attachMedia(video);
    } else if (video.canPlayType('application/vnd.apple.mpegurl')) {
      video.src = src; // Safari and iOS play HLS natively
    } else {
      say('This browser cannot play HLS.');
    }
  }

  function levelName(level) {
    return level.height ? level.height + 'p' : Math.round(level.bitrate / 1000) + ' kbit/s';
  }

  /** The quality menu: Auto, then each variant from the highest; hidden for a single one. */
  function showLevels() {
    if (!quality) return;
    var levels = hls.levels;
    quality.hidden = levels.length < 2;
    quality.textContent = '';
    var auto = document.createElement('option');
    auto.value = '-1';
    auto.textContent = 'Auto';
    quality.appendChild(auto);
    var order = levels.map(function (level, index) { return { level: level, index: index }; });
    order.sort(function (a, b) { return b.level.bitrate - a.level.bitrate; });
    order.forEach(function (entry) {
      var option = document.createElement('option');
      option.value = String(entry.index);
      option.textContent = levelName(entry.level) + ' · ' + (entry.level.bitrate / 1e6).toFixed(1) + ' Mbit/s';
      quality.appendChild(option);
    });
    quality.value = '-1';
  }

  setInterval(function () {
    var date = hls && hls.playingDate;
    clock.textContent = date ? date.toLocaleString() : '';
  }, 250);

  // For tests and for pages that embed the player and want to drive it (set again once playing).
  window.framehousePlayer = { video: video, hls: hls, peer: peer };
})();
