"""The page's style sheet: projector-first.

Every piece of text is at least 16 CSS pixels (the drawings' text at least 14),
the big numbers are large, and the drawings keep their natural size (so their
text stays readable) while the page scrolls sideways on a screen too narrow
for them.
"""

CSS = """
.v-application, .v-application * { font-size: 16px; }
.v-application .v-toolbar__title, .v-application .v-toolbar__title * { font-size: 22px !important; }
.v-application .v-label, .v-application .v-select__selection, .v-application .v-list-item__title,
.v-application .v-list-item__content, .v-application .v-chip__content, .v-application .v-input input,
.v-application .v-btn__content, .v-application .v-card__title, .v-application .v-messages,
.v-application .v-slider__thumb-label span { font-size: 16px !important; }
.v-application .v-card__title { font-weight: 600; }
.v-application .caption { font-size: 18px !important; line-height: 1.35; display: block; max-width: 62em; }
.v-application .hint { color: #a04000; display: block; }
.v-application .control-label { display: block; margin-top: 4px; }
.v-application .monitors { flex-wrap: wrap; }
.v-application .monitor { background: #f4f6f7; border-radius: 6px; padding: 2px 12px; min-width: 6em; }
.v-application .run-view .monitors { column-gap: 6px !important; row-gap: 4px; }
.v-application .monitor-value { font-size: 30px !important; font-weight: 700; line-height: 1.15; }
.v-application .monitor-name { font-size: 16px !important; color: #444; }
.v-application .run-heading { font-size: 20px !important; font-weight: 700; }
.v-application .difference { font-size: 18px !important; font-weight: 600; }
.v-application .org-name { font-weight: 700; }
.v-application .drawing svg { display: block; max-width: none; height: auto; }
.v-application .feed { min-width: 32em; max-width: 48em; }
.v-application .feed-lines { max-height: 22em; overflow-y: auto; }
.v-application .feed-lines span { display: block; }
.v-application .feed-dissolved { color: #c0392b; font-weight: 700; }
.v-application .feed-backbone, .v-application .feed-shock { font-weight: 600; }
.v-application .network-hover { background: white; border: 1px solid #555; border-radius: 4px;
  padding: 1px 8px; font-size: 16px !important; font-weight: 600; pointer-events: none; white-space: nowrap;
  z-index: 5; }
.v-application .legend span { font-size: 16px !important; }
.v-application .main { overflow-x: auto; }
.v-navigation-drawer.solara-content-main { min-width: 310px !important; max-width: 310px !important; }
.v-application .v-select .v-label--active, .v-application .v-text-field .v-label--active {
  transform: translateY(-20px) scale(0.9) !important; }
"""
"""The CSS the page loads."""
