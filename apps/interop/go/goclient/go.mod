module ka/goclient

go 1.23
