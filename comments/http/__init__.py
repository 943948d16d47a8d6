"""HTTP plumbing shared by every transport module: routing, errors, CORS, headers, auth."""
