package filesource

import (
	"encoding/asn1"
	"strings"
	"testing"

	"software.sslmate.com/src/go-pkcs12"
)

// A PKCS#12 file whose MAC asks for a billion rounds is refused before
// any round is run.
func TestPKCS12CostBounded(t *testing.T) {
	p := newPKI(t)
	good, err := pkcs12.LegacyDES.Encode(p.leaf.key, p.leaf.cert, nil, "pw")
	if err != nil {
		t.Fatal(err)
	}
	var pfx pfxFile
	if _, err := asn1.Unmarshal(good, &pfx); err != nil {
		t.Fatal(err)
	}
	pfx.MacData.Rounds = 1 << 30
	costly, err := asn1.Marshal(pfx)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := Parse(good, "good.p12", "pw"); err != nil {
		t.Fatalf("the file before the change: %v", err)
	}
	_, _, err = Parse(costly, "costly.p12", "pw")
	if err == nil || kindOf(err) != "file_malformed" || !strings.Contains(err.Error(), "1073741824 key-derivation rounds") {
		t.Fatalf("error %v, want a refusal naming the rounds", err)
	}
}

// A PBMAC1 MAC states its rounds in its own PBKDF2 parameters: a billion
// there is refused too, before the library derives the key.
func TestPKCS12PBMAC1CostBounded(t *testing.T) {
	p := newPKI(t)
	good, err := pkcs12.Modern2026.Encode(p.leaf.key, p.leaf.cert, nil, "pw")
	if err != nil {
		t.Fatal(err)
	}
	var pfx pfxFile
	var params pbmac1Params
	var kdf pbkdf2Params
	if _, err := asn1.Unmarshal(good, &pfx); err != nil {
		t.Fatal(err)
	}
	if !pfx.MacData.Mac.Algorithm.Algorithm.Equal(oidPBMAC1) {
		t.Fatalf("MAC %v, want PBMAC1", pfx.MacData.Mac.Algorithm.Algorithm)
	}
	if _, err := asn1.Unmarshal(pfx.MacData.Mac.Algorithm.Parameters.FullBytes, &params); err != nil {
		t.Fatal(err)
	}
	if _, err := asn1.Unmarshal(params.KDF.Parameters.FullBytes, &kdf); err != nil {
		t.Fatal(err)
	}
	kdf.Rounds = 1 << 30
	remarshal := func(v any) asn1.RawValue {
		der, err := asn1.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return asn1.RawValue{FullBytes: der}
	}
	params.KDF.Parameters = remarshal(kdf)
	pfx.MacData.Mac.Algorithm.Parameters = remarshal(params)
	costly := remarshal(pfx).FullBytes

	if _, _, err := Parse(good, "good.p12", "pw"); err != nil {
		t.Fatalf("the file before the change: %v", err)
	}
	_, _, err = Parse(costly, "costly.p12", "pw")
	if err == nil || kindOf(err) != "file_malformed" || !strings.Contains(err.Error(), "1073741824 key-derivation rounds") {
		t.Fatalf("error %v, want a refusal naming the rounds", err)
	}
}
