// Kernel-free sliders (website/sliders.py): a range input steps through frames drawn at build
// time by the slider's own Python code; the readout, status line and picture's alt text follow.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  for (const box of document.querySelectorAll(".kf-slider")) {
    const data = JSON.parse(box.dataset.kf);
    const input = box.querySelector("input[type=range]");
    const readout = box.querySelector(".kf-readout");
    const status = box.querySelector(".kf-status");
    const img = box.querySelector("img.kf-frame");
    for (const url of data.frames) new Image().src = url;  // fetch every frame once, up front
    input.addEventListener("input", () => {
      const i = Number(input.value);
      const text = `${data.label} = ${data.values[i]}`;
      readout.textContent = data.values[i];
      status.textContent = data.statuses[i];
      input.setAttribute("aria-valuetext", text);
      img.src = data.frames[i];
      img.alt = `${text}: ${data.statuses[i]}`;
    });
  }
});
