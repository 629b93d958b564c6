const express = require("express");
const { attach } = require("./lib/relay");

const app = express();
attach(app.listen(process.env.PORT || 4000));
