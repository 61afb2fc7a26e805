element.addEventListener('click', (e) => {
  const b = e.target.closest('[data-action="article"]');
  if (!b || !element.contains(b)) return;
  e.preventDefault();
  trigger('click', {action: 'article', doc: b.dataset.doc || '', article: b.dataset.article || ''});
});
watch('value', () => {
  const box = element.querySelector('.cn-src-text');
  const m = element.querySelector('mark');
  if (box && m) { box.scrollTop = Math.max(0, m.offsetTop - box.offsetTop - 40); }
  const panel = element.closest('.cn-source-col') || element;
  const r = panel.getBoundingClientRect();
  if (r.top < 0 || r.top > window.innerHeight - 80) panel.scrollIntoView({behavior: 'smooth', block: 'start'});
});
