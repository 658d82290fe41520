// Metronome web app: the few behaviours HTML cannot express. No inline handlers anywhere (the
// Content-Security-Policy forbids them); elements opt in with data- attributes.
(function () {
  'use strict';
  // <input type="checkbox" data-select-all="name">: checks or clears every checkbox named `name` in its form.
  document.addEventListener('change', function (event) {
    var box = event.target;
    if (!(box instanceof HTMLInputElement) || !box.dataset.selectAll) {
      return;
    }
    var form = box.form || document;
    form.querySelectorAll('input[type="checkbox"][name="' + box.dataset.selectAll + '"]').forEach(function (other) {
      other.checked = box.checked;
    });
  });
  // <form data-confirm="Really?">: asks before sending.
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  }, true);
})();
