module ka/go-client-driver

go 1.23
