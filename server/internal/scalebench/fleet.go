package scalebench

import (
	"encoding/base64"
	"fmt"
	"runtime"
	"time"

	"github.com/sourcegraph/conc/pool"
)

// endpoint is one monitored domain of the fleet.
type endpoint struct {
	org, agent int
	host       string
	port       int
	domainID   string
	// group indexes fleet.chains: the two ports of a host serve one
	// certificate, so a renewal applied to one port only leaves the other
	// serving the older certificate (a stale endpoint).
	group int
}

// fleet is the synthetic estate: organizations, their endpoints, and the
// chain each endpoint serves right now (base64 DER, as on the wire).
type fleet struct {
	orgs      int
	endpoints []endpoint
	chains    [][]string
	// renewed is, by group, the renewed chain the host's first port serves
	// from the second round on (see renew).
	renewed map[int][]string
	pki     *pki
	// tails are the shared ends of the chains (intermediate and root),
	// encoded once and shared by every chain.
	tails [][]string
	now   time.Time
}

// portsPerHost is how many endpoints share one host and certificate.
var portsPerHost = []int{443, 8443}

// newFleet lays out orgs × perOrg endpoints and issues their certificates.
// Deadlines spread over the next year (some already passed), lifetimes are
// 90 or 397 days, like ACME and commercial certificates.
func newFleet(orgs, perOrg, agentsPerOrg int, now time.Time) (*fleet, error) {
	p, err := newPKI(now)
	if err != nil {
		return nil, err
	}
	f := &fleet{orgs: orgs, pki: p, now: now, renewed: map[int][]string{}}
	for i := range p.intermediates {
		f.tails = append(f.tails, p.tail(i))
	}
	f.endpoints = make([]endpoint, 0, orgs*perOrg)
	var hosts []string
	for o := range orgs {
		for i := range perOrg {
			if i%len(portsPerHost) == 0 {
				hosts = append(hosts, hostName(o, len(hosts)))
			}
			group := len(hosts) - 1
			// Each agent watches a contiguous share, as one agent per
			// network segment does; a host's ports share an agent.
			f.endpoints = append(f.endpoints, endpoint{org: o, agent: i / len(portsPerHost) * len(portsPerHost) * agentsPerOrg / perOrg, host: hosts[group],
				port: portsPerHost[i%len(portsPerHost)], group: group})
		}
	}
	// Signing is most of this at 10,000 organizations (half a million
	// leaves): every core signs.
	f.chains = make([][]string, len(hosts))
	pl := pool.New().WithErrors().WithFirstError().WithMaxGoroutines(runtime.GOMAXPROCS(0))
	for worker := range runtime.GOMAXPROCS(0) {
		pl.Go(func() error {
			for group := worker; group < len(hosts); group += runtime.GOMAXPROCS(0) {
				chain, err := f.issue(hosts[group], group, f.deadline(group))
				if err != nil {
					return err
				}
				f.chains[group] = chain
			}
			return nil
		})
	}
	return f, pl.Wait()
}

func hostName(org, group int) string {
	return fmt.Sprintf("svc%07d.o%05d.scale.example", group, org)
}

func (f *fleet) deadline(group int) time.Time {
	days := group*7919%368 - 2
	return f.now.Add(time.Duration(days)*24*time.Hour + time.Duration(group%24)*time.Hour)
}

func (f *fleet) issue(host string, group int, notAfter time.Time) ([]string, error) {
	lifetime := 397 * 24 * time.Hour
	if group%3 == 0 {
		lifetime = 90 * 24 * time.Hour
	}
	der, err := f.pki.leaf(host, group, notAfter.Add(-lifetime), notAfter)
	if err != nil {
		return nil, err
	}
	return append([]string{base64.StdEncoding.EncodeToString(der)}, f.tails[group%len(f.tails)]...), nil
}

// Result kinds of a check in the second and later rounds.
const (
	served = iota
	unreachable
)

// unreachableEvery and renewEvery pick 5% of endpoints that stop answering
// and 5% of hosts whose first port gets a renewed certificate.
const (
	unreachableEvery = 20
	renewEvery       = 20
)

// renew issues the renewed certificates of the later rounds, once.
func (f *fleet) renew() error {
	for i, e := range f.endpoints {
		if e.group%renewEvery != 1 || e.port != portsPerHost[0] || f.renewed[e.group] != nil {
			continue
		}
		chain, err := f.issue(f.endpoints[i].host, e.group, f.now.Add(397*24*time.Hour))
		if err != nil {
			return err
		}
		f.renewed[e.group] = chain
	}
	return nil
}

// check is what endpoint i answers in a round after the first.
func (f *fleet) check(i int) (int, []string) {
	e := f.endpoints[i]
	if i%unreachableEvery == unreachableEvery-1 {
		return unreachable, nil
	}
	if chain := f.renewed[e.group]; chain != nil && e.port == portsPerHost[0] {
		return served, chain
	}
	return served, f.chains[e.group]
}
