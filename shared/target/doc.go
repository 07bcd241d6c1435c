// Package target parses what users type to name things to check: host names
// and IP literals, host:port pairs, port lists and CIDR blocks. The server
// validates API input with it and the agent expands discovery jobs with it,
// so both sides accept exactly the same text and reject it with the same words.
package target
