/**
 * The HTTP API (PROTOCOL section 2) and the static web app. Route handlers run on the event loop
 * of their {@link dev.parley.session.SessionVerticle} instance and never block.
 */
package dev.parley.web;
