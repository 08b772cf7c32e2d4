using RedisAI.Samples.ChatBot;

// POST /chat/{user} {"message": "hello"} -> {"user": "...", "reply": "..."}; GET /health.
// Conversation states live in the store under chat:{user}:state (expiring), and survive restarts via the snapshot.
await ChatBotApp.Build(args).RunAsync();
