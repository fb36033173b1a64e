// Starting Point: keep each Initial Contact's 24-hour clock current between
// page loads. The server renders the text ("23 hours 10 minutes left"); this
// recounts it every minute from the seconds left when the page was rendered,
// so the browser's own clock never matters. Without JavaScript the text stays
// as rendered and the queue still refreshes itself through htmx.
const DUE_SOON_SECONDS = 4 * 60 * 60
const seen = new WeakMap() // clock element -> when this page first showed it

function duration (seconds) {
  const minutesTotal = Math.floor(seconds / 60)
  const hours = Math.floor(minutesTotal / 60)
  const minutes = minutesTotal % 60
  const parts = []
  if (hours) parts.push(`${hours} hour${hours === 1 ? '' : 's'}`)
  if (minutes) parts.push(`${minutes} minute${minutes === 1 ? '' : 's'}`)
  return parts.join(' ') || 'less than a minute'
}

function setTag (clock, text, colour) {
  const tag = clock.previousElementSibling
  if (!(tag instanceof HTMLElement) || !tag.classList.contains('govuk-tag')) return
  tag.textContent = text
  tag.classList.remove('govuk-tag--green', 'govuk-tag--orange', 'govuk-tag--red')
  tag.classList.add(colour)
}

function tick () {
  const now = performance.now()
  for (const clock of document.querySelectorAll('.app-clock[data-left]')) {
    if (!seen.has(clock)) seen.set(clock, now)
    const left = Number(clock.dataset.left) - (now - seen.get(clock)) / 1000
    if (Number.isNaN(left)) continue
    if (left < 0) {
      clock.textContent = `Overdue by ${duration(-left)}`
      setTag(clock, 'Overdue', 'govuk-tag--red')
    } else {
      clock.textContent = `${duration(left)} left`
      if (left <= DUE_SOON_SECONDS) setTag(clock, 'Due soon', 'govuk-tag--orange')
    }
  }
}

tick()
setInterval(tick, 60 * 1000)
document.addEventListener('htmx:afterSettle', tick)
