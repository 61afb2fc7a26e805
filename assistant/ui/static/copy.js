(md) => {
  const done = () => {
    const b = document.querySelector('#cn-copy');
    if (!b) return;
    const old = b.innerText; b.innerText = COPY_DONE;
    setTimeout(() => { b.innerText = old; }, 1800);
  };
  if (!md) return [];
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(md).then(done);
  } else {
    const t = document.createElement('textarea'); t.value = md; document.body.appendChild(t);
    t.select(); document.execCommand('copy'); t.remove(); done();
  }
  return [];
}
