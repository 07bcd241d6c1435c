package httppost

import (
	"errors"
	"fmt"
	"net/url"
)

// MaxURLLength bounds a configured endpoint; real webhook URLs are far shorter.
const MaxURLLength = 2048

// CheckURL says what is wrong with an endpoint a customer configured, in words fit for
// a field error, or nil. The SSRF guard still vets every address at delivery.
func CheckURL(s string) (*url.URL, error) {
	switch {
	case s == "":
		return nil, errors.New("is required")
	case len(s) > MaxURLLength:
		return nil, fmt.Errorf("must be at most %d characters", MaxURLLength)
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, errors.New("is not a valid URL")
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, errors.New("must be an absolute http:// or https:// URL")
	case u.User != nil:
		// Credentials in the URL would be shown wherever the URL is.
		return nil, errors.New("must not contain a user name or password")
	case u.Hostname() == "":
		return nil, errors.New("must name a host")
	}
	return u, nil
}
