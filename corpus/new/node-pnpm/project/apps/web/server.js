require("@storefront/shared"); require("http").createServer().listen(3000);
