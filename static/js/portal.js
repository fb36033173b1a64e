// Early Help Portal: start govuk-frontend and wire it to htmx.
// Loaded as <script type="module" src="/static/js/portal.js">: no inline
// script, no eval (strict CSP). htmx is loaded separately as a classic script.
import { initAll } from '/static/vendor/govuk-frontend/govuk-frontend.min.js'

// A module script only runs where `noModule` is supported, so this is the same
// test as govuk-frontend's recommended inline <body> snippet. Doing it here too
// means components still start if the template's nonce'd snippet is missing.
document.body.classList.add('js-enabled', 'govuk-frontend-supported')

// Components already started report an InitError when a scope is scanned
// again; that is expected after a swap, anything else is logged.
const onError = (error) => { if (error.name !== 'InitError') console.error(error) }

initAll({ onError })

// govuk-frontend sets aria-expanded on a radio that reveals a follow-up question,
// which ARIA does not allow on a radio (alphagov/govuk-frontend#979): axe fails
// the page. The revealed question follows its radio in reading order, so drop the
// attribute whenever it is set (on start, on each choice, in swapped content).
const dropRadioExpanded = () => {
  for (const radio of document.querySelectorAll('input[type="radio"][aria-expanded]')) {
    radio.removeAttribute('aria-expanded')
  }
}
dropRadioExpanded()
new MutationObserver(dropRadioExpanded).observe(document.body, {
  subtree: true, attributes: true, attributeFilter: ['aria-expanded']
})

// Start components in content htmx has just swapped in. The parent is the
// scope so that a swapped element which is itself a component is included.
document.addEventListener('htmx:afterSettle', (event) => {
  const elt = event.detail.elt
  if (elt instanceof Element) initAll({ scope: elt.parentElement ?? elt, onError })
})

// Belt and braces (templates also set hx-headers): send the CSRF token from
// <meta name="csrf-token" content="..."> with every non-GET htmx request.
document.addEventListener('htmx:configRequest', (event) => {
  const token = document.querySelector('meta[name="csrf-token"]')?.content
  if (token && event.detail.verb.toLowerCase() !== 'get') {
    event.detail.headers['X-CSRFToken'] = token
  }
})

// Once a form is submitted, its pending debounced autosave must not follow
// the save (it would leave a stale draft behind).
document.addEventListener('submit', (event) => {
  if (event.target instanceof HTMLFormElement) event.target.dataset.submitted = 'true'
})
document.addEventListener('htmx:confirm', (event) => {
  const elt = event.detail.elt
  if (elt instanceof HTMLElement && elt.dataset.submitted) event.preventDefault()
})
