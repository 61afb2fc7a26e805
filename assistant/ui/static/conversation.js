let seen = element.querySelectorAll('.cn-turn').length;
watch('value', () => {
  // A new question: bring it to the top of the conversation box, the answer reads from there.
  const all = element.querySelectorAll('.cn-turn');
  if (all.length > seen) {
    const sc = element.closest('#cn-conv') || element;
    const last = all[all.length - 1];
    sc.scrollTop += last.getBoundingClientRect().top - sc.getBoundingClientRect().top - 8;
  }
  seen = all.length;
});
element.addEventListener('click', (e) => {
  const b = e.target.closest('[data-action]');
  if (!b || !element.contains(b)) return;
  e.preventDefault();
  const d = b.dataset;
  if (d.action === 'cite') {
    document.querySelectorAll('.cn-chip.cn-active, .cn-ref.cn-active').forEach(x => x.classList.remove('cn-active'));
    b.classList.add('cn-active');
  }
  trigger('click', {action: d.action, turn: Number(d.turn ?? -1), n: Number(d.n ?? 0),
                    rating: d.rating || '', question: d.q || '',
                    doc: d.doc || '', article: d.article || ''});
});
