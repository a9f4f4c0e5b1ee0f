// Progressive enhancement only: every page works without it. A copy button (hidden until this
// runs) copies the value of the element it names.
for (const button of document.querySelectorAll('button[data-copy]')) {
  button.hidden = false;
  button.addEventListener('click', async () => {
    const source = document.getElementById(button.dataset.copy);
    if (!source) return;
    await navigator.clipboard.writeText(source.value ?? source.textContent ?? '');
    button.textContent = 'Copied';
  });
}
