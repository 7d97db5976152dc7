// The live page: polls /cluster every second and renders it. Read-only; no input, no buttons.
(function () {
  'use strict';
  var REFRESH_MS = 1000;

  function $(id) { return document.getElementById(id); }

  function text(id, value) { $(id).textContent = value == null ? '–' : String(value); }

  function cell(row, value, className) {
    var td = document.createElement('td');
    td.textContent = value;
    if (className) { td.className = className; }
    row.appendChild(td);
    return td;
  }

  function statusClass(status) {
    if (status === 'MEMBER') { return 'ok'; }
    if (status === 'VIEW_CHANGE' || status === 'JOINING') { return 'warn'; }
    return 'bad';
  }

  function renderMembers(members) {
    var body = $('members').tBodies[0];
    var rows = document.createDocumentFragment();
    members.forEach(function (m) {
      var row = document.createElement('tr');
      row.setAttribute('data-member', m.id);
      cell(row, m.rank);
      var id = cell(row, '');
      var code = document.createElement('code');
      code.textContent = m.id;
      id.appendChild(code);
      cell(row, [m.leader ? 'leader' : '', m.self ? 'this instance' : ''].filter(Boolean).join(', '));
      cell(row, m.messagesPerSecond.toFixed(1), 'num');
      cell(row, m.messages, 'num');
      rows.appendChild(row);
    });
    body.replaceChildren(rows);
  }

  function describe(change) {
    var parts = [change.members.length + ' member' + (change.members.length === 1 ? '' : 's')];
    if (change.joined.length) { parts.push('joined ' + change.joined.join(', ')); }
    if (change.left.length) { parts.push('left ' + change.left.join(', ')); }
    if (change.failed.length) { parts.push('failed ' + change.failed.join(', ')); }
    return 'view ' + change.viewId + ' at ' + new Date(change.at).toLocaleTimeString() + ': ' + parts.join('; ');
  }

  function renderChanges(changes) {
    var list = document.createDocumentFragment();
    changes.forEach(function (change) {
      var li = document.createElement('li');
      li.setAttribute('data-view', change.viewId);
      li.textContent = describe(change);
      list.appendChild(li);
    });
    $('changes').replaceChildren(list);
  }

  function render(c) {
    text('group', c.group);
    text('node', c.node);
    var status = $('status');
    status.textContent = c.status;
    status.setAttribute('data-status', c.status);
    status.className = 'badge ' + statusClass(c.status);
    text('view-id', c.viewId);
    text('leader', c.leader);
    text('keys', c.keys);
    text('position', c.position);
    renderMembers(c.members);
    renderChanges(c.viewChanges);
    text('updated', new Date().toLocaleTimeString());
    $('error').style.display = 'none';
  }

  function failed(reason) {
    var error = $('error');
    error.textContent = 'This instance did not answer (' + reason + '); the data below may be stale.';
    error.style.display = 'block';
  }

  function refresh() {
    fetch('/cluster', { cache: 'no-store', headers: { 'Accept': 'application/json' } })
      .then(function (response) {
        if (!response.ok) { throw new Error('HTTP ' + response.status); }
        return response.json();
      })
      .then(render, function (e) { failed(e.message); })
      .finally(function () { setTimeout(refresh, REFRESH_MS); });
  }

  refresh();
}());
