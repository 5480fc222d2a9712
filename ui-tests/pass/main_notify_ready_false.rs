use cement::App;

#[cement::main(notify_ready = false, exit_on_close = true)]
fn main(app: &App) {
    app.notify_status("binding the port");
    app.notify_ready();
    if let Some(interval) = app.watchdog_interval() {
        assert!(interval > std::time::Duration::ZERO);
        app.notify_watchdog();
    }
}
