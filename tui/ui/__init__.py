"""The Textual app: screens, widgets and styles. Talks only to ``tui.service``; never to the network."""
