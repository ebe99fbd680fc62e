"""The explorer's look: the app stylesheet (app.tcss) and the themes wlx adds to Textual's."""
