"""Review and publication of list versions (issue 11): the review status of a draft derived from
the review records, and publishing (status, effective dates in the YAML, content hash in
versions.lock). The records themselves live in the audit database (service.reviews)."""
