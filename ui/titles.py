"""The two window titles: the app's name, and the neutral one chosen at first start
(or in Settings) so that a glance at the screen or the taskbar does not say what the
app is for.  A module of their own: the first-start notice needs them before the main
window's module is loaded."""

APP_TITLE = "SafetyCheck"
NEUTRAL_TITLE = "Checklist"
