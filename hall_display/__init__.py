"""Talon hall boards: the main board of recent calls and the window boards, with voice.

Layers (DESIGN.md §8): ``link`` (the bridge adapter) -> ``model`` (a QObject, the truth) ->
widgets (``board``, ``main_board``, ``window_board``, ``widgets``); the voice (``speech`` ->
``sound`` -> ``announcer``) listens to the model's ``call_made``.  ``app.main`` is
``talon-display``.
"""
