-- 100,000 monitored domains of one organization (:org, agent :agent), each
-- serving its own leaf under one of three intermediates, as benchmarks of
-- the inventory and insights need them. Every 50th domain also answers for
-- www.example.com with a certificate of that subject issued on a different
-- day: 2,000 endpoints sharing one name, all but the newest stale.
INSERT INTO certificates (sha256, der, subject, issuer, serial, not_before, not_after, created_at, key_type, is_ca)
SELECT encode(sha256(('ca' || i)::bytea), 'hex'), ('ca' || i)::bytea, 'CN=Bench CA ' || i, 'CN=Bench Root', 'ca' || i,
       now() - interval '1 year', now() + interval '5 years', now(), 'RSA', TRUE
FROM generate_series(0, 2) i;

INSERT INTO certificates (sha256, der, subject, issuer, serial, not_before, not_after, created_at, key_type, is_ca)
SELECT encode(sha256(('leaf' || i)::bytea), 'hex'), ('leaf' || i)::bytea,
       CASE WHEN i % 50 = 0 THEN 'CN=www.example.com' ELSE 'CN=h' || i || '.example.com' END,
       'CN=Bench CA ' || (i % 3), 'leaf' || i,
       now() - ((i % 90) || ' days')::interval, now() - ((i % 90) || ' days')::interval + ((30 + (i * 7919) % 335) || ' days')::interval,
       now(), 'ECDSA', FALSE
FROM generate_series(1, 100000) i;

INSERT INTO certificate_names (sha256, name)
SELECT encode(sha256(('leaf' || i)::bytea), 'hex'), 'h' || i || '.example.com' FROM generate_series(1, 100000) i
UNION ALL
SELECT encode(sha256(('leaf' || i)::bytea), 'hex'), 'www.example.com' FROM generate_series(50, 100000, 50) i;

INSERT INTO domains (id, organization_id, host, port, protocol, agent_id, created_at, updated_at)
SELECT 'd' || i, ':org', 'h' || i || '.example.com', 443, 'tls', ':agent', now(), now()
FROM generate_series(1, 100000) i;

INSERT INTO observations (id, organization_id, domain_id, agent_id, observed_at, received_at, leaf_sha256, not_after, trust_status)
SELECT 'o' || i, ':org', 'd' || i, ':agent', now() - interval '1 hour', now(), c.sha256, c.not_after,
       CASE WHEN i % 97 = 0 THEN 'untrusted' ELSE 'trusted' END
FROM generate_series(1, 100000) i JOIN certificates c ON c.sha256 = encode(sha256(('leaf' || i)::bytea), 'hex');

INSERT INTO observation_certificates (observation_id, position, sha256)
SELECT 'o' || i, 0, encode(sha256(('leaf' || i)::bytea), 'hex') FROM generate_series(1, 100000) i
UNION ALL
SELECT 'o' || i, 1, encode(sha256(('ca' || (i % 3))::bytea), 'hex') FROM generate_series(1, 100000) i;

INSERT INTO domain_states (organization_id, domain_id, observation_id, checked_at, leaf_sha256, not_after, verdict_status, trust_status)
SELECT o.organization_id, o.domain_id, o.id, o.observed_at, o.leaf_sha256, o.not_after, 'valid', o.trust_status FROM observations o
WHERE o.organization_id = ':org';

INSERT INTO org_certificates (organization_id, sha256, first_seen, last_seen)
SELECT ':org', sha256, now(), now() FROM certificates;

ANALYZE;
