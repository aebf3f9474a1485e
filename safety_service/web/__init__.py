"""The web kit shared by the console, the miners' pages and the domains' routes: spreadsheet writers
(``sheets``), rate limiting (``limits``), and ``WebLayer``, built once in ``create_app``."""
