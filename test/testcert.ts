// Shared by the tests of @ka/client and @ka/http-server; lives outside the packages so it
// is never built into, or shipped with, a library.
// Test-only self-signed certificate (like Go's internal/testcert): CN example.com, SANs
// example.com, localhost, 127.0.0.1, ::1; valid until 2126. Never use outside tests.
export const testCert = `-----BEGIN CERTIFICATE-----
MIIBwDCCAWagAwIBAgIUW7kyHjSf+0lSw31CkxQWUlX5yAwwCgYIKoZIzj0EAwIw
FjEUMBIGA1UEAwwLZXhhbXBsZS5jb20wIBcNMjYxMTI1MjI1MDU4WhgPMjEyNjEx
MDEyMjUwNThaMBYxFDASBgNVBAMMC2V4YW1wbGUuY29tMFkwEwYHKoZIzj0CAQYI
KoZIzj0DAQcDQgAEYi6r3hyrJOYhHFv/IamIiN6b2PoZwDcwj1IvdxILDnaOxvhA
G/JbRZZ0tWL0eL1llv+C3fYXQs1dfKyiTZ5UcKOBjzCBjDAdBgNVHQ4EFgQUHCtw
KgUmGncSFjfexST8jf1uP6UwHwYDVR0jBBgwFoAUHCtwKgUmGncSFjfexST8jf1u
P6UwDwYDVR0TAQH/BAUwAwEB/zA5BgNVHREEMjAwggtleGFtcGxlLmNvbYIJbG9j
YWxob3N0hwR/AAABhxAAAAAAAAAAAAAAAAAAAAABMAoGCCqGSM49BAMCA0gAMEUC
IDenOpI3EagWzVlkaxcsz0xLGVX+8oPkmWDuAvIiw0PGAiEAvVijcZq4LRtwFGnq
URtxhLIjMtVwfn+BZNc/+15vS7U=
-----END CERTIFICATE-----
`;

export const testKey = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgv+G5ji3H4NA4/GkX
ArFC5+UeLwTNQ0sScbn4ieAzDA2hRANCAARiLqveHKsk5iEcW/8hqYiI3pvY+hnA
NzCPUi93EgsOdo7G+EAb8ltFlnS1YvR4vWWW/4Ld9hdCzV18rKJNnlRw
-----END PRIVATE KEY-----
`;
