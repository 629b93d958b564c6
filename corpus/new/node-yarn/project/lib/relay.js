exports.attach = () => {};
