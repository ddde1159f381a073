// Pages of `npm run bench -- webrtc` (src-main/bench/glass-to-glass.ts), loaded into real
// Chromium: one paints the wall clock into a canvas as black and white cells and
// publishes it by WHIP; another reads the cells back from each frame it shows.
(function () {
  'use strict';
  // A white and a black guard cell, then 24 bits of Date.now() (ms; wraps every 4.6 h), 40 px cells in rows of 13.
  var layout = { width: 640, height: 360, cell: 40, pitch: 48, rowPitch: 80, perRow: 13, top: 120, left: 8, bits: 24 };
  var modulo = Math.pow(2, layout.bits);

  function cellOrigin(i) {
    return [layout.left + (i % layout.perRow) * layout.pitch, layout.top + Math.floor(i / layout.perRow) * layout.rowPitch];
  }

  function sleep(ms) {
    return new Promise(function (r) { setTimeout(r, ms); });
  }

  /** Paints the clock 30 times a second and publishes it by WHIP (H.264 first); resolves once connected. */
  async function publish(stream) {
    var canvas = document.createElement('canvas');
    canvas.width = layout.width;
    canvas.height = layout.height;
    document.body.append(canvas);
    var ctx = canvas.getContext('2d');
    var track = canvas.captureStream(0).getVideoTracks()[0];
    var last = 0;
    function paint() {
      var now = Date.now();
      if (now - last >= 33) {
        last = now;
        ctx.fillStyle = '#808080';
        ctx.fillRect(0, 0, layout.width, layout.height);
        var value = now % modulo;
        for (var i = 0; i < layout.bits + 2; i++) {
          var bit = i === 0 ? 1 : i === 1 ? 0 : (value >>> (layout.bits - 1 - (i - 2))) & 1;
          var at = cellOrigin(i);
          ctx.fillStyle = bit ? '#ffffff' : '#000000';
          ctx.fillRect(at[0], at[1], layout.cell, layout.cell);
        }
        track.requestFrame();
      }
      requestAnimationFrame(paint);
    }
    paint();
    var pc = new RTCPeerConnection();
    var transceiver = pc.addTransceiver(track, { direction: 'sendonly' });
    var codecs = RTCRtpReceiver.getCapabilities('video').codecs.slice();
    codecs.sort(function (a, b) { return Number(b.mimeType === 'video/H264') - Number(a.mimeType === 'video/H264'); });
    transceiver.setCodecPreferences(codecs);
    await pc.setLocalDescription(await pc.createOffer());
    var res = await fetch('/' + stream + '/whip', { method: 'POST', headers: { 'content-type': 'application/sdp' }, body: pc.localDescription.sdp });
    if (res.status !== 201) throw new Error('WHIP answered ' + res.status + ': ' + (await res.text()));
    await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
    var params = transceiver.sender.getParameters();
    params.encodings.forEach(function (e) { e.maxBitrate = 2000000; });
    params.degradationPreference = 'maintain-resolution';
    await transceiver.sender.setParameters(params);
    for (var n = 0; pc.connectionState !== 'connected'; n++) {
      if (n > 100) throw new Error('the publisher did not connect (' + pc.connectionState + ')');
      await sleep(100);
    }
    window.clockPublisher = pc;
  }

  /** Plays the stream by WHEP into a video the reader uses. */
  async function watchWhep(stream) {
    var pc = new RTCPeerConnection();
    pc.addTransceiver('video', { direction: 'recvonly' });
    var video = document.createElement('video');
    video.muted = true;
    video.autoplay = true;
    document.body.append(video);
    pc.ontrack = function (e) { video.srcObject = new MediaStream([e.track]); };
    await pc.setLocalDescription(await pc.createOffer());
    var res = await fetch('/' + stream + '/whep', { method: 'POST', headers: { 'content-type': 'application/sdp' }, body: pc.localDescription.sdp });
    if (res.status !== 201) throw new Error('WHEP answered ' + res.status + ': ' + (await res.text()));
    await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
    for (var n = 0; video.videoWidth === 0; n++) {
      if (n > 150) throw new Error('no WebRTC picture in 15 s');
      await sleep(100);
    }
    window.clockVideo = video;
    window.clockViewer = pc;
  }

  /** For `seconds`, every frame `window.clockVideo` shows: the time now minus the time painted in it, ms. */
  function read(seconds) {
    var video = window.clockVideo;
    var canvas = document.createElement('canvas');
    canvas.width = layout.width;
    canvas.height = layout.height;
    var ctx = canvas.getContext('2d', { willReadFrequently: true });
    var samples = [];
    function lit(data, i) {
      var at = cellOrigin(i);
      var x = at[0] + layout.cell / 2;
      var y = at[1] + layout.cell / 2;
      return data[(y * layout.width + x) * 4] > 128;
    }
    return new Promise(function (resolve) {
      var until = Date.now() + seconds * 1000;
      function onFrame() {
        var shownAt = Date.now();
        ctx.drawImage(video, 0, 0, layout.width, layout.height);
        var data = ctx.getImageData(0, 0, layout.width, layout.height).data;
        // The guard cells say the code was read (not a grey, half-decoded or scaled-away frame).
        if (lit(data, 0) && !lit(data, 1)) {
          var value = 0;
          for (var b = 0; b < layout.bits; b++) value = value * 2 + (lit(data, 2 + b) ? 1 : 0);
          var latency = (((shownAt % modulo) - value) % modulo + modulo) % modulo;
          if (latency < 30000) samples.push(latency);
        }
        if (Date.now() < until) video.requestVideoFrameCallback(onFrame);
        else resolve(samples);
      }
      video.requestVideoFrameCallback(onFrame);
    });
  }

  window.framehouseClock = { publish: publish, watchWhep: watchWhep, read: read };
})();
