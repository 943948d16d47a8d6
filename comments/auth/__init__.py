"""Login pages and endpoints under `/auth`: providers, the popup dance, logout."""
