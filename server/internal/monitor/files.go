package monitor

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"

	"certinel.dev/server/internal/revocation"
	"certinel.dev/server/internal/safetext"
	"certinel.dev/server/internal/store"
	"certinel.dev/shared/wire"
)

// Certificates read from files on an agent's host arrive as results with
// File set. Each names a file item: a domain of protocol store.FileProtocol
// created on its first push (see store.FileSources). Once its domain is
// known, a file result is ingested as a result for that domain, so file
// items are judged, repeated, stored and alerted on like endpoints; only
// the host name match is left out (see judge.verdict).

// maxFilePath bounds a file item's path: PATH_MAX on Linux.
const maxFilePath = 4096

var fileFormats = map[string]bool{
	wire.FileFormatPEM: true, wire.FileFormatDER: true, wire.FileFormatPKCS12: true,
	wire.FileFormatJKS: true, wire.FileFormatJCEKS: true, wire.FileFormatCRL: true,
}

// checkFile validates what names a file result and where it may go.
func checkFile(r wire.Result) (store.FileKey, error) {
	f := r.File
	switch {
	case r.TargetID != "" || r.DiscoveryJobID != "":
		return store.FileKey{}, errors.New("a file result has no target_id or discovery_job_id")
	case f.Host == "" || f.Path == "":
		return store.FileKey{}, errors.New("file: host and path are required")
	case len(f.Host) > store.MaxShortText || len(f.Entry) > store.MaxShortText:
		return store.FileKey{}, fmt.Errorf("file: host and entry must be at most %d bytes", store.MaxShortText)
	case len(f.Path) > maxFilePath:
		return store.FileKey{}, fmt.Errorf("file: path must be at most %d bytes", maxFilePath)
	case !safetext.Storable(f.Host) || !safetext.Storable(f.Path) || !safetext.Storable(f.Entry):
		return store.FileKey{}, errors.New("file: host, path and entry must be valid UTF-8 without NUL characters")
	case !fileFormats[f.Format]:
		return store.FileKey{}, fmt.Errorf("file: format %q: not one of pem, der, pkcs12, jks, jceks, crl", safetext.Fit(f.Format, maxQuotedLen))
	case f.CRL != "" && (f.Format != wire.FileFormatCRL || len(r.Chain) > 0 || r.Error != ""):
		return store.FileKey{}, errors.New("file: crl is given alone, for a file of format crl")
	}
	return store.FileKey{Host: f.Host, Path: f.Path, Entry: f.Entry}, nil
}

// isCRLFile says whether the result carries a CRL file's content, which
// becomes a revocation source rather than a file item.
func isCRLFile(r wire.Result) bool {
	return r.File != nil && r.File.CRL != ""
}

// fileResolution is what resolveFiles found for a batch's file results.
type fileResolution struct {
	// results is the batch with each resolved file result addressed to
	// its item's domain (TargetID set).
	results []wire.Result
	// refused are the file results refused, by index, with the reason.
	refused map[int]error
}

// resolveFiles validates a batch's file results and finds or creates the
// agent's file items they name.
func (in *Ingester) resolveFiles(ctx context.Context, agent store.Agent, results []wire.Result) (fileResolution, error) {
	out := fileResolution{results: results, refused: map[int]error{}}
	var keys []store.FileKey
	var formats []string
	var at []int
	for i, r := range results {
		if r.File == nil {
			continue
		}
		k, err := checkFile(r)
		if err != nil {
			out.refused[i] = err
			continue
		}
		if !isCRLFile(r) {
			keys, formats, at = append(keys, k), append(formats, r.File.Format), append(at, i)
		}
	}
	if len(keys) == 0 {
		return out, nil
	}
	found, beyond, err := in.store.FileSources(ctx, agent.OrganizationID, agent.ID, keys, formats, in.MaxFileSources)
	if err != nil {
		return out, err
	}
	// The caller's slice is the request's: addressed results are copies.
	out.results = append([]wire.Result(nil), results...)
	for n, i := range at {
		if err, ok := beyond[n]; ok {
			out.refused[i] = err
			continue
		}
		d, ok := found[keys[n]]
		if !ok {
			return out, fmt.Errorf("file item %q of agent %s not found after creating it", safetext.Fit(keys[n].Path, maxQuotedLen), agent.ID)
		}
		out.results[i].TargetID = d.ID
	}
	return out, nil
}

// saveCRLFile records a CRL file's content as a revocation source of the
// organization, as an uploaded CRL is (see revocation.Refresher.UploadCRL).
func (in *Ingester) saveCRLFile(ctx context.Context, orgID string, r wire.Result) error {
	if in.CRLFile == nil {
		return errors.New("file: CRL files are not accepted by this server")
	}
	if base64.StdEncoding.DecodedLen(len(r.File.CRL)) > wire.MaxCRLBytes {
		return fmt.Errorf("file: crl larger than %d bytes", wire.MaxCRLBytes)
	}
	der, err := base64.StdEncoding.DecodeString(r.File.CRL)
	if err != nil {
		return errors.New("file: crl is not valid base64")
	}
	err = in.CRLFile(ctx, orgID, der)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, revocation.ErrCRLUnreadable), errors.Is(err, revocation.ErrCRLTooLarge),
		errors.Is(err, revocation.ErrUnknownIssuer), errors.Is(err, revocation.ErrCRLSignature):
		return fmt.Errorf("file: crl: %w", err)
	}
	in.log.Error("CRL file not recorded", "organization", orgID, "err", err)
	return errors.New("file: the CRL could not be stored; send it again later")
}
