/*
 * RPC Harness resilience report: draws the charts of one scenario with uPlot from the JSON in #rpc-data.
 * Chaos steps are placed as HTML bands (intervals) and markers (instants) over each time chart's plotting area, so
 * they stay sharp and can be checked. Every chart is listed in window.rpcCharts.
 */
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('rpc-data').textContent);
  var charts = [];
  window.rpcCharts = charts;

  function width(el) {
    return Math.max(480, Math.floor(el.getBoundingClientRect().width) || 1100);
  }

  function cls(kind) {
    if (kind === 'freeze') { return 'chaos-freeze'; }
    if (kind.indexOf('zk-') === 0) { return 'chaos-zk'; }
    if (kind === 'fault-plan') { return 'chaos-fault'; }
    return 'chaos-crash';
  }

  function placeChaos(u, steps) {
    var layer = u.over.querySelector('.chaos-layer');
    if (!layer) {
      layer = document.createElement('div');
      layer.className = 'chaos-layer';
      u.over.appendChild(layer);
    }
    layer.textContent = '';
    steps.forEach(function (s, i) {
      var left = u.valToPos(s.start, 'x');
      var el = document.createElement('div');
      el.setAttribute('data-step', String(i));
      el.setAttribute('data-start', String(s.start));
      if (s.end !== null) {
        var right = u.valToPos(s.end, 'x');
        el.className = 'chaos-band ' + cls(s.kind);
        el.setAttribute('data-end', String(s.end));
        el.style.left = left + 'px';
        el.style.width = Math.max(2, right - left) + 'px';
      } else {
        el.className = s.chaos ? 'chaos-marker' : 'chaos-marker event-marker';
        el.style.left = left + 'px';
      }
      var label = document.createElement('div');
      label.className = 'chaos-label';
      label.style.top = (2 + (i % 3) * 15) + 'px';
      label.textContent = s.label;
      el.appendChild(label);
      if (s.endLabel) {
        var end = document.createElement('div');
        end.className = 'chaos-end-label';
        end.textContent = s.endLabel;
        el.appendChild(end);
      }
      layer.appendChild(el);
    });
  }

  function seriesOf(list) {
    return [{ label: list.xLabel }].concat(list.series.map(function (s) {
      return { label: s.label, stroke: s.color, width: s.width || 1.6, dash: s.dash || undefined,
               scale: s.scale || 'y',
               points: { show: false }, spanGaps: false,
               value: function (u, v) { return v === null || v === undefined ? '-' : fmt(v) + (list.unit || ''); } };
    }));
  }

  function fmt(v) {
    if (v === null || v === undefined) { return ''; }
    if (v === 0) { return '0'; }
    var a = Math.abs(v);
    if (a >= 100) { return v.toFixed(0); }
    if (a >= 10) { return v.toFixed(1); }
    if (a >= 1) { return v.toFixed(2); }
    return v.toPrecision(2);
  }

  /* Labels on a log axis: every decade; within a narrow range also the 2s and 5s, or every tick. */
  function logTicks(u, vals) {
    var shown = vals.filter(function (v) { return v !== null && v > 0; });
    var lo = Math.min.apply(null, shown), hi = Math.max.apply(null, shown);
    var decades = Math.log10(hi / lo);
    return vals.map(function (v) {
      if (v === null || !(v > 0)) { return ''; }
      var l = Math.log10(v), m = v / Math.pow(10, Math.floor(l + 1e-9));
      if (Math.abs(l - Math.round(l)) < 1e-6) { return fmt(v); }
      if (decades < 1.5) { return fmt(v); }
      if (decades < 3 && (Math.abs(m - 2) < 1e-6 || Math.abs(m - 5) < 1e-6)) { return fmt(v); }
      return '';
    });
  }

  function zeroUp(u, min, max) { return [0, Math.max(1, max * 1.1)]; }

  function timeChart(id, def, log) {
    var el = document.getElementById(id);
    var opts = {
      title: def.title,
      width: width(el),
      height: 300,
      series: seriesOf(def),
      scales: { x: { time: false, range: [0, data.seconds] },
                y: log ? { distr: 3, range: function (u, min, max) { return [Math.max(0.01, min / 2), max * 2]; } }
                       : { range: zeroUp } },
      axes: [{ label: 'seconds since the run started' },
             { label: def.yLabel, size: 60, values: log ? logTicks : undefined }],
      hooks: { draw: [function (u) { placeChaos(u, data.steps); }] }
    };
    if (def.series.some(function (s) { return s.scale === 'err'; })) {
      opts.scales.err = { range: zeroUp };
      opts.axes.push({ scale: 'err', side: 1, label: def.y2Label, size: 60, grid: { show: false },
                       stroke: '#cf222e' });
    }
    var columns = [def.x].concat(def.series.map(function (s) { return s.values; }));
    var u = new uPlot(opts, columns, el);
    charts.push({ id: id, plot: u, chaos: true });
  }

  function percentileLabel(x) {
    var p = 100 * (1 - 1 / x);
    if (p <= 0) { return '0%'; }
    var nines = Math.round(Math.log10(x));
    return p.toFixed(Math.max(0, nines - 2)) + '%';
  }

  function distributionChart(id, def) {
    var el = document.getElementById(id);
    var opts = {
      title: def.title,
      width: width(el),
      height: 320,
      series: seriesOf(def),
      scales: { x: { time: false, distr: 3 },
                y: { distr: 3, range: function (u, min, max) { return [Math.max(0.01, min / 2), max * 2]; } } },
      axes: [{ label: 'percentile (log scale of 1 / (1 - percentile))',
               values: function (u, vals) {
                 return vals.map(function (v) {
                   if (v === null || !(v > 0)) { return ''; }
                   var l = Math.log10(v);
                   return Math.abs(l - Math.round(l)) < 1e-6 ? percentileLabel(v) : '';
                 });
               } },
             { label: def.yLabel, size: 60, values: logTicks }]
    };
    opts.series[0].value = function (u, v) { return v === null || v === undefined ? '-' : percentileLabel(v); };
    var columns = [def.x].concat(def.series.map(function (s) { return s.values; }));
    var u = new uPlot(opts, columns, el);
    charts.push({ id: id, plot: u, chaos: false });
  }

  timeChart('chart-latency', data.latency, true);
  timeChart('chart-throughput', data.throughput, false);
  timeChart('chart-providers', data.providers, false);
  if (data.attempts) {
    timeChart('chart-attempts', data.attempts, false);
  }
  if (data.distribution.x.length > 0) {
    distributionChart('chart-distribution', data.distribution);
  }
  document.body.setAttribute('data-charts-ready', String(charts.length));
}());
