package store

import "certinel.dev/server/internal/safetext"

// Byte limits of the text columns that agents and certificates fill. The
// columns are TEXT; the limits keep a broken or hostile peer from filling
// the database, and each is named only here.
const (
	MaxShortText = 255  // addresses, SNIs, protocols, TLS versions, cipher suites, kinds, statuses, DNS names
	maxLongText  = 1024 // subjects, issuers, serials, key IDs, errors, problem lists
	maxVersion   = 64   // agent versions
)

// storableResults returns a copy of rs whose text every database stores:
// this is the one place where agent and certificate text enters the
// results tables. Identifiers and fingerprints are the server's own and
// stay as they are, so that rows keep referring to each other. JSON
// documents are cleaned but never cut, which would break them.
func storableResults(rs ResultSet) ResultSet {
	out := rs
	out.Rejected = safetext.Clean(rs.Rejected)
	out.Observations = make([]Observation, len(rs.Observations))
	for i, o := range rs.Observations {
		out.Observations[i] = storableObservation(o)
	}
	out.Certificates = make([]Certificate, len(rs.Certificates))
	for i, c := range rs.Certificates {
		out.Certificates[i] = storableCertificate(c)
	}
	out.Repeats = make([]Repeat, len(rs.Repeats))
	for i, r := range rs.Repeats {
		fit(MaxShortText, &r.Address)
		fit(maxLongText, &r.HandshakeError)
		out.Repeats[i] = r
	}
	out.Discovered = make([]DiscoveredEndpoint, len(rs.Discovered))
	for i, e := range rs.Discovered {
		out.Discovered[i] = storableEndpoint(e)
	}
	return out
}

func storableObservation(o Observation) Observation {
	fit(MaxShortText, &o.Address, &o.TLSVersion, &o.CipherSuite, &o.KeyExchange, &o.ErrorKind, &o.TrustStatus, &o.VerdictStatus)
	fit(maxLongText, &o.Error, &o.HandshakeError)
	o.Verdict = safetext.Clean(o.Verdict)
	o.Problems = storableList(o.Problems)
	return o
}

func storableCertificate(c Certificate) Certificate {
	fit(MaxShortText, &c.SHA1, &c.SPKISHA256, &c.KeyType, &c.SignatureAlgorithm)
	fit(maxLongText, &c.Subject, &c.Issuer, &c.Serial, &c.SubjectKeyID, &c.AuthorityKeyID)
	c.Facts = safetext.Clean(c.Facts)
	c.Names = storableList(c.Names)
	return c
}

func storableEndpoint(e DiscoveredEndpoint) DiscoveredEndpoint {
	fit(MaxShortText, &e.Address, &e.Protocol, &e.SNI, &e.VerdictStatus, &e.TrustStatus)
	fit(maxLongText, &e.Problems)
	e.SuggestedNames = storableList(e.SuggestedNames)
	return e
}

// storableList fits each item of a list of short texts (names, codes).
func storableList(items []string) []string {
	if items == nil {
		return nil
	}
	out := make([]string, len(items))
	for i, s := range items {
		out[i] = safetext.Fit(s, MaxShortText)
	}
	return out
}

// fit makes each field storable within maxBytes, in place.
func fit(maxBytes int, fields ...*string) {
	for _, f := range fields {
		*f = safetext.Fit(*f, maxBytes)
	}
}
