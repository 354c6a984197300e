// Site-wide behaviour. No inline scripts anywhere, so a strict Content-Security-Policy holds.
"use strict";
