// Sends the token to the page the user wanted (?next=, same-origin paths only); the server answers with the session cookie.
'use strict';
const next = new URLSearchParams(location.search).get('next');
if (next && /^\/(?![/\\])[^?#]*$/.test(next)) document.getElementById('login').action = next;
