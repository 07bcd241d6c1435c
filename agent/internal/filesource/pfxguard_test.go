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
	var pfx struct {
		Version  int
		AuthSafe asn1.RawValue
		MacData  struct {
			Mac        asn1.RawValue
			MacSalt    []byte
			Iterations int `asn1:"optional"`
		}
	}
	if _, err := asn1.Unmarshal(good, &pfx); err != nil {
		t.Fatal(err)
	}
	pfx.MacData.Iterations = 1 << 30
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
